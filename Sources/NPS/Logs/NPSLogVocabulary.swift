// Fixed vocabularies of NPS log files. Data, not logic.
//
// Sources: Microsoft "Interpret NPS Database Format Log Files" (cc771748) for the column order of the
// database-compatible (ODBC) format; the SDK enumerations AUTHENTICATION_TYPE, RADIUS_CODE and the NPS provider
// types; RFC 2866 §5.1 / RFC 2869 for Acct-Status-Type.

/// Names for the numeric values NPS logs, used by the record accessors and the summary renderer.
public enum NPSLogVocabulary {
    /// Columns of the database-compatible (ODBC) text format, in order. Older NPS versions write the first 60,
    /// current ones 66; extra trailing columns are kept as "Column-<n>". Names follow the DTS element names
    /// where the two formats share a field (e.g. column 25, "Policy-Name", is NP-Policy-Name).
    public static let odbcColumns: [String] = [
        "Computer-Name", "Event-Source", "Record-Date", "Record-Time", "Packet-Type",                    // 1–5
        "User-Name", "Fully-Qualifed-User-Name", "Called-Station-Id", "Calling-Station-Id",               // 6–9
        "Callback-Number", "Framed-IP-Address", "NAS-Identifier", "NAS-IP-Address", "NAS-Port",           // 10–14
        "Client-Vendor", "Client-IP-Address", "Client-Friendly-Name", "Event-Timestamp", "Port-Limit",    // 15–19
        "NAS-Port-Type", "Connect-Info", "Framed-Protocol", "Service-Type", "Authentication-Type",        // 20–24
        "NP-Policy-Name", "Reason-Code", "Class", "Session-Timeout", "Idle-Timeout",                      // 25–29
        "Termination-Action", "EAP-Friendly-Name", "Acct-Status-Type", "Acct-Delay-Time",                 // 30–33
        "Acct-Input-Octets", "Acct-Output-Octets", "Acct-Session-Id", "Acct-Authentic",                   // 34–37
        "Acct-Session-Time", "Acct-Input-Packets", "Acct-Output-Packets", "Acct-Terminate-Cause",          // 38–41
        "Acct-Multi-Session-Id", "Acct-Link-Count", "Acct-Interim-Interval", "Tunnel-Type",               // 42–45
        "Tunnel-Medium-Type", "Tunnel-Client-Endpt", "Tunnel-Server-Endpt", "Acct-Tunnel-Connection",     // 46–49
        "Tunnel-Pvt-Group-ID", "Tunnel-Assignment-ID", "Tunnel-Preference", "MS-Acct-Auth-Type",          // 50–53
        "MS-Acct-EAP-Type", "MS-RAS-Version", "MS-RAS-Vendor", "MS-CHAP-Error", "MS-CHAP-Domain",         // 54–58
        "MS-MPPE-Encryption-Types", "MS-MPPE-Encryption-Policy", "Proxy-Policy-Name", "Provider-Type",    // 59–62
        "Provider-Name", "Remote-Server-Address", "MS-RAS-Client-Name", "MS-RAS-Client-Version",          // 63–66
    ]

    /// Packet-Type (IAS attribute 4136): the RADIUS code of the logged packet.
    public static let packetTypes: [Int: String] = [
        1: "Access-Request", 2: "Access-Accept", 3: "Access-Reject", 4: "Accounting-Request",
        5: "Accounting-Response", 11: "Access-Challenge", 256: "Discard",
    ]

    /// Authentication-Type (IAS attribute 4127).
    public static let authenticationTypes: [Int: String] = [
        0: "Invalid", 1: "PAP", 2: "MD5-CHAP", 3: "MS-CHAP", 4: "MS-CHAP v2", 5: "EAP", 6: "ARAP",
        7: "Unauthenticated", 8: "Extension", 9: "MS-CHAP change password", 10: "MS-CHAP v2 change password",
        11: "PEAP",
    ]

    /// Provider-Type (IAS attribute 4155): who authenticated the request.
    public static let providerTypes: [Int: String] = [
        0: "None", 1: "Windows", 2: "RADIUS proxy",
    ]

    /// Acct-Status-Type (RADIUS attribute 40).
    public static let acctStatusTypes: [Int: String] = [
        1: "Start", 2: "Stop", 3: "Interim-Update", 7: "Accounting-On", 8: "Accounting-Off",
        9: "Tunnel-Start", 10: "Tunnel-Stop", 11: "Tunnel-Reject", 12: "Tunnel-Link-Start",
        13: "Tunnel-Link-Stop", 14: "Tunnel-Link-Reject", 15: "Failed",
    ]
}
