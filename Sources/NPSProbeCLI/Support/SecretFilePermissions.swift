import Foundation

/// The warning for a file of secrets (shared secret, password, key passphrase) or a private key that other users
/// can read: group or other read bits set, as `ssh` warns of an unprotected key. A warning, not a refusal: the
/// file may be meant to be shared (a service account's group), and the run still does what was asked.
enum SecretFilePermissions {
    /// The warning text when `path` is readable by group or others, else nil (also nil when it cannot be
    /// examined: reading it reports that).
    static func problem(_ path: String, what: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o044 != 0 else { return nil }
        let who = mode & 0o004 != 0 ? "any user" : "its group"
        return "\(what) \(path) is readable by \(who) (mode \(String(mode, radix: 8))); protect it with chmod 600"
    }

    static func warn(_ path: String?, what: String) {
        guard let path, let text = problem(path, what: what) else { return }
        Console.warn(text)
    }
}
