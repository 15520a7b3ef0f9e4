package org.costobservatory.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory holds spend data (the database, the alert and JSON logs) and {@code server.json}, which decides
 * where CLI commands send their requests, so it and everything local mode writes there are its owner's alone: the
 * directory 0700, each file 0600. Files made by an earlier version are tightened when they are next opened. On a file
 * system without POSIX permissions (Windows) nothing is changed.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code directory} (and missing parents) readable by its owner only, or makes an existing one so. */
    static Path directory(Path directory) throws IOException {
        if (!posix(directory)) {
            return Files.createDirectories(directory);
        }
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
        }
        Files.setPosixFilePermissions(directory, DIRECTORY);
        return directory;
    }

    /** Creates {@code file} empty and readable by its owner only, or makes an existing one so; its directory too. */
    static Path file(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        directory(parent);
        if (!posix(parent)) {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            return file;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } catch (FileAlreadyExistsException existing) {
            // tightened below
        }
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    private static boolean posix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
