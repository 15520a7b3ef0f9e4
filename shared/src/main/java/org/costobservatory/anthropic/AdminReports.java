package org.costobservatory.anthropic;

import java.time.LocalDate;
import java.util.List;
import org.costobservatory.domain.ApiKey;
import org.costobservatory.domain.CostDay;
import org.costobservatory.domain.UsageBucket;
import org.costobservatory.domain.Workspace;
import org.costobservatory.time.Deadline;

/**
 * What Cost Observatory needs from Anthropic's Admin API. Implemented over HTTP by {@link AdminApiClient}; the
 * jobs depend on this interface only.
 */
public interface AdminReports {

    /**
     * Pulls the cost report for the complete UTC days {@code [from, toExclusive)}, grouped by workspace and
     * description, following pagination until done. Each page is parsed completely and handed to {@code pages}
     * before the next page is requested, so a caller can store page by page; a page that fails to parse is never
     * handed over. Empty days are kept (a day with no rows).
     *
     * @throws IllegalArgumentException when the window is empty or reaches into a day that is not complete yet
     * @throws AdminApiException        on any failure, typed by cause
     */
    void costReport(LocalDate from, LocalDate toExclusive, Deadline deadline, PageHandler<CostDay> pages);

    /** Pulls the messages usage report described by {@code query}, page by page, like {@link #costReport}. */
    void usageReport(UsageReportQuery query, Deadline deadline, PageHandler<UsageBucket> pages);

    /** Lists every workspace, archived ones included (the Default workspace is never listed). */
    List<Workspace> workspaces(Deadline deadline);

    /** Lists every API key, whatever its status (old usage may belong to an archived, inactive or expired key). */
    List<ApiKey> apiKeys(Deadline deadline);
}
