import AccordCore
import Foundation

/// Writes files that hold patient data: mode 0600, flushed to disk before they are used.
enum PrivateFile {
    /// Creates (or truncates) `url` with mode 0600, writes `data` and syncs it to disk.
    /// - Throws: `AccordError` (`io`) when the file cannot be written.
    static func write(_ data: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw AccordError(
                .io, "cannot create a file in the output folder (\(String(cString: strerror(errno)))); check the folder given by --out.")
        }
        defer { close(descriptor) }
        // An existing file keeps its mode through O_CREAT: set it explicitly.
        fchmod(descriptor, 0o600)
        let written = data.withUnsafeBytes { bytes -> Int in
            var offset = 0
            while offset < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count <= 0 { return -1 }
                offset += count
            }
            return offset
        }
        guard written == data.count, fsync(descriptor) == 0 else {
            throw AccordError(
                .io,
                "cannot write a file in the output folder (\(String(cString: strerror(errno)))); check the free space of the folder given by --out."
            )
        }
    }
}
