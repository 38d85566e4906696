import ArgumentParser
import Probe
import Reports
import TLS

/// `--keylog`, `--pcap`, `--pcap-with-keys` (`auth`, `run`): what a support ticket needs to see the
/// conversation in Wireshark. Both files hold secrets and are written mode 0600.
struct CaptureOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Write the TLS session secrets here (NSS key log; Wireshark decrypts EAP-TLS and PEAP with it). Mode 0600: "
            + "whoever reads it reads the tunnel.", valueName: "path"))
    var keylog: String?

    @Option(help: ArgumentHelp(
        "Write a pcapng of the RADIUS datagrams, as sent and received, here (mode 0600; no capture privileges "
            + "needed). It holds hidden passwords and MS-CHAPv2 exchanges, never the shared secret.",
        valueName: "path"))
    var pcap: String?

    @Flag(help: "Embed the TLS key log in the --pcap file (a Decryption Secrets Block): one file opens decrypted.")
    var pcapWithKeys = false

    func validate() throws {
        if pcapWithKeys, pcap == nil { throw ValidationError("--pcap-with-keys needs --pcap FILE") }
    }

    /// The sinks a run fills and the files they go to, checked before anything is sent.
    struct Recording {
        /// Handed to the case preparation: every TLS session's secrets.
        var keyLog: TLSKeyLog?
        /// Its observer goes to the conversations.
        var capture: PacketCapture?
        var keyLogFile: OutputFile?
        var pcapFile: OutputFile?
        var embedKeys: Bool

        var observer: PacketObserver? { capture?.observer }

        /// Writes the files (also after a failed or unanswered conversation: that is when they are wanted).
        func write() throws(LocalError) {
            if let keyLog, keyLog.dropped > 0 {
                Console.warn("the key log kept \(keyLog.entries.count) secrets and dropped \(keyLog.dropped) "
                             + "(limit \(keyLog.limit)): some sessions will not decrypt")
            }
            if let keyLogFile, let keyLog {
                try keyLogFile.write(Array(keyLog.text.utf8))
                Console.err("npsprobe: wrote \(keyLog.entries.count) TLS secret(s) to \(keyLogFile.path) (mode 0600; "
                            + "it decrypts the sessions: keep it like a private key)")
            }
            if let pcapFile, let capture {
                let datagrams = capture.datagrams
                if capture.dropped > 0 {
                    Console.warn("the capture kept \(datagrams.count) datagrams and dropped \(capture.dropped) "
                                 + "(limit \(capture.limit))")
                }
                let secrets = embedKeys ? keyLog?.entries ?? [] : []
                try pcapFile.write(Pcapng.file(datagrams, keyLog: secrets))
                Console.err("npsprobe: wrote \(datagrams.count) datagram(s) to \(pcapFile.path) (mode 0600"
                            + (embedKeys ? ", with \(secrets.count) TLS secret(s) embedded" : "") + ")")
            }
        }
    }

    func prepare() throws(LocalError) -> Recording {
        let keyLogFile = try OutputFile.check(keylog, option: "--keylog", kind: .secrets)
        let pcapFile = try OutputFile.check(pcap, option: "--pcap", kind: .secrets)
        try OutputFile.checkDistinct([keyLogFile, pcapFile])
        return Recording(
            keyLog: keylog != nil || pcapWithKeys ? TLSKeyLog() : nil, capture: pcap != nil ? PacketCapture() : nil,
            keyLogFile: keyLogFile, pcapFile: pcapFile, embedKeys: pcapWithKeys)
    }
}
