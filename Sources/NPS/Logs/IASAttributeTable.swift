import RADIUS

// IAS attribute numbers → field names that the RADIUS dictionary does not give. Data, not logic.
//
// IAS-format lines carry attribute-number,value pairs. 1–255 are RADIUS attributes: their names come from the RADIUS
// dictionary (Dictionaries/, `IASAttributeNames(dictionary:)`), except the few below that NPS's logs spell their own
// way (DTS elements and ODBC columns such as "Tunnel-Pvt-Group-ID" for the RFC's "Tunnel-Private-Group-Id"), so
// that all three formats produce the same field names. 4096 and up are NPS's internal
// attributes, numbered as in the Windows SDK's ATTRIBUTEID enumeration (sdoias.h); where the DTS (XML) log uses an
// element name for one, that name is used (including its spelling "Fully-Qualifed-User-Name"). Note 4136 is
// Packet-Type and 4142 Reason-Code.

/// One IAS attribute number and the name the NPS log parser gives its value.
public struct IASAttribute: Sendable, Hashable {
    public let number: Int
    /// The field name, the same as the DTS element name where one exists.
    public let name: String
    /// The SDK constant (IAS_ATTRIBUTE_… / MS_ATTRIBUTE_…) for 4096 and up; nil for NPS's spellings of RADIUS
    /// attributes.
    public let symbol: String?

    public init(_ number: Int, _ name: String, _ symbol: String?) {
        self.number = number
        self.name = name
        self.symbol = symbol
    }
}

extension IASAttribute {
    /// NPS's spellings of RADIUS attributes, then NPS's own attributes (4096 and up), sorted by number.
    public static let catalogue: [IASAttribute] = [
        IASAttribute(66, "Tunnel-Client-Endpt", nil),  // dictionary: Tunnel-Client-Endpoint
        IASAttribute(67, "Tunnel-Server-Endpt", nil),  // dictionary: Tunnel-Server-Endpoint
        IASAttribute(81, "Tunnel-Pvt-Group-ID", nil),  // dictionary: Tunnel-Private-Group-Id
        IASAttribute(82, "Tunnel-Assignment-ID", nil),  // dictionary: Tunnel-Assignment-Id
        IASAttribute(89, "CUI", nil),  // dictionary: Chargeable-User-Identity
        IASAttribute(90, "Tunnel-Client-Auth-ID", nil),  // dictionary: Tunnel-Client-Auth-Id
        IASAttribute(91, "Tunnel-Server-Auth-ID", nil),  // dictionary: Tunnel-Server-Auth-Id
        IASAttribute(4096, "Saved-RADIUS-Framed-IP-Address", "IAS_ATTRIBUTE_SAVED_RADIUS_FRAMED_IP_ADDRESS"),
        IASAttribute(4097, "Saved-RADIUS-Callback-Number", "IAS_ATTRIBUTE_SAVED_RADIUS_CALLBACK_NUMBER"),
        IASAttribute(4098, "NP-Calling-Station-ID", "IAS_ATTRIBUTE_NP_CALLING_STATION_ID"),
        IASAttribute(4099, "Saved-NP-Calling-Station-ID", "IAS_ATTRIBUTE_SAVED_NP_CALLING_STATION_ID"),
        IASAttribute(4100, "Saved-RADIUS-Framed-Route", "IAS_ATTRIBUTE_SAVED_RADIUS_FRAMED_ROUTE"),
        IASAttribute(4101, "Ignore-User-Dialin-Properties", "IAS_ATTRIBUTE_IGNORE_USER_DIALIN_PROPERTIES"),
        IASAttribute(4102, "NP-Time-Of-Day", "IAS_ATTRIBUTE_NP_TIME_OF_DAY"),
        IASAttribute(4103, "NP-Called-Station-ID", "IAS_ATTRIBUTE_NP_CALLED_STATION_ID"),
        IASAttribute(4104, "NP-Allowed-Port-Types", "IAS_ATTRIBUTE_NP_ALLOWED_PORT_TYPES"),
        IASAttribute(4105, "NP-Authentication-Type", "IAS_ATTRIBUTE_NP_AUTHENTICATION_TYPE"),
        IASAttribute(4106, "NP-Allowed-EAP-Type", "IAS_ATTRIBUTE_NP_ALLOWED_EAP_TYPE"),
        IASAttribute(4107, "Shared-Secret", "IAS_ATTRIBUTE_SHARED_SECRET"),
        IASAttribute(4108, "Client-IP-Address", "IAS_ATTRIBUTE_CLIENT_IP_ADDRESS"),
        IASAttribute(4109, "Client-Packet-Header", "IAS_ATTRIBUTE_CLIENT_PACKET_HEADER"),
        IASAttribute(4110, "Token-Groups", "IAS_ATTRIBUTE_TOKEN_GROUPS"),
        IASAttribute(4111, "Allow-Dialin", "IAS_ATTRIBUTE_ALLOW_DIALIN"),
        IASAttribute(4112, "Request-ID", "IAS_ATTRIBUTE_REQUEST_ID"),
        IASAttribute(4113, "Manipulation-Target", "IAS_ATTRIBUTE_MANIPULATION_TARGET"),
        IASAttribute(4114, "Manipulation-Rule", "IAS_ATTRIBUTE_MANIPULATION_RULE"),
        IASAttribute(4115, "Original-User-Name", "IAS_ATTRIBUTE_ORIGINAL_USER_NAME"),
        IASAttribute(4116, "Client-Vendor", "IAS_ATTRIBUTE_CLIENT_VENDOR_TYPE"),
        IASAttribute(4117, "Client-UDP-Port", "IAS_ATTRIBUTE_CLIENT_UDP_PORT"),
        IASAttribute(4118, "MS-CHAP-Challenge", "MS_ATTRIBUTE_CHAP_CHALLENGE"),
        IASAttribute(4119, "MS-CHAP-Response", "MS_ATTRIBUTE_CHAP_RESPONSE"),
        IASAttribute(4120, "MS-CHAP-Domain", "MS_ATTRIBUTE_CHAP_DOMAIN"),
        IASAttribute(4121, "MS-CHAP-Error", "MS_ATTRIBUTE_CHAP_ERROR"),
        IASAttribute(4122, "MS-CHAP-CPW-1", "MS_ATTRIBUTE_CHAP_CPW1"),
        IASAttribute(4123, "MS-CHAP-CPW-2", "MS_ATTRIBUTE_CHAP_CPW2"),
        IASAttribute(4124, "MS-CHAP-LM-Enc-PW", "MS_ATTRIBUTE_CHAP_LM_ENC_PW"),
        IASAttribute(4125, "MS-CHAP-NT-Enc-PW", "MS_ATTRIBUTE_CHAP_NT_ENC_PW"),
        IASAttribute(4126, "MS-CHAP-MPPE-Keys", "MS_ATTRIBUTE_CHAP_MPPE_KEYS"),
        IASAttribute(4127, "Authentication-Type", "IAS_ATTRIBUTE_AUTHENTICATION_TYPE"),
        IASAttribute(4128, "Client-Friendly-Name", "IAS_ATTRIBUTE_CLIENT_NAME"),
        IASAttribute(4129, "SAM-Account-Name", "IAS_ATTRIBUTE_NT4_ACCOUNT_NAME"),
        IASAttribute(4130, "Fully-Qualifed-User-Name", "IAS_ATTRIBUTE_FULLY_QUALIFIED_USER_NAME"),
        IASAttribute(4131, "NT-Groups", "IAS_ATTRIBUTE_NTGROUPS"),
        IASAttribute(4132, "EAP-Friendly-Name", "IAS_ATTRIBUTE_EAP_FRIENDLY_NAME"),
        IASAttribute(4133, "Auth-Provider-Type", "IAS_ATTRIBUTE_AUTH_PROVIDER_TYPE"),
        IASAttribute(4134, "MS-Acct-Auth-Type", "MS_ATTRIBUTE_ACCT_AUTH_TYPE"),
        IASAttribute(4135, "MS-Acct-EAP-Type", "MS_ATTRIBUTE_ACCT_EAP_TYPE"),
        IASAttribute(4136, "Packet-Type", "IAS_ATTRIBUTE_PACKET_TYPE"),
        IASAttribute(4137, "Auth-Provider-Name", "IAS_ATTRIBUTE_AUTH_PROVIDER_NAME"),
        IASAttribute(4138, "Acct-Provider-Type", "IAS_ATTRIBUTE_ACCT_PROVIDER_TYPE"),
        IASAttribute(4139, "Acct-Provider-Name", "IAS_ATTRIBUTE_ACCT_PROVIDER_NAME"),
        IASAttribute(4140, "MS-MPPE-Send-Key", "MS_ATTRIBUTE_MPPE_SEND_KEY"),
        IASAttribute(4141, "MS-MPPE-Recv-Key", "MS_ATTRIBUTE_MPPE_RECV_KEY"),
        IASAttribute(4142, "Reason-Code", "IAS_ATTRIBUTE_REASON_CODE"),
        IASAttribute(4143, "MS-Filter", "MS_ATTRIBUTE_FILTER"),
        IASAttribute(4144, "MS-CHAP2-Response", "MS_ATTRIBUTE_CHAP2_RESPONSE"),
        IASAttribute(4145, "MS-CHAP2-Success", "MS_ATTRIBUTE_CHAP2_SUCCESS"),
        IASAttribute(4146, "MS-CHAP2-CPW", "MS_ATTRIBUTE_CHAP2_CPW"),
        IASAttribute(4147, "MS-RAS-Vendor", "MS_ATTRIBUTE_RAS_VENDOR"),
        IASAttribute(4148, "MS-RAS-Version", "MS_ATTRIBUTE_RAS_VERSION"),
        IASAttribute(4149, "NP-Policy-Name", "IAS_ATTRIBUTE_NP_NAME"),
        IASAttribute(4150, "MS-Primary-DNS-Server", "MS_ATTRIBUTE_PRIMARY_DNS_SERVER"),
        IASAttribute(4151, "MS-Secondary-DNS-Server", "MS_ATTRIBUTE_SECONDARY_DNS_SERVER"),
        IASAttribute(4152, "MS-Primary-NBNS-Server", "MS_ATTRIBUTE_PRIMARY_NBNS_SERVER"),
        IASAttribute(4153, "MS-Secondary-NBNS-Server", "MS_ATTRIBUTE_SECONDARY_NBNS_SERVER"),
        IASAttribute(4154, "Proxy-Policy-Name", "IAS_ATTRIBUTE_PROXY_POLICY_NAME"),
        IASAttribute(4155, "Provider-Type", "IAS_ATTRIBUTE_PROVIDER_TYPE"),
        IASAttribute(4156, "Provider-Name", "IAS_ATTRIBUTE_PROVIDER_NAME"),
        IASAttribute(4157, "Remote-Server-Address", "IAS_ATTRIBUTE_REMOTE_SERVER_ADDRESS"),
        IASAttribute(4158, "Generate-Class-Attribute", "IAS_ATTRIBUTE_GENERATE_CLASS_ATTRIBUTE"),
        IASAttribute(4159, "MS-RAS-Client-Name", "MS_ATTRIBUTE_RAS_CLIENT_NAME"),
        IASAttribute(4160, "MS-RAS-Client-Version", "MS_ATTRIBUTE_RAS_CLIENT_VERSION"),
        IASAttribute(4161, "Allowed-Certificate-EKU", "IAS_ATTRIBUTE_ALLOWED_CERTIFICATE_EKU"),
        IASAttribute(4162, "Extension-State", "IAS_ATTRIBUTE_EXTENSION_STATE"),
        IASAttribute(4163, "Generate-Session-Timeout", "IAS_ATTRIBUTE_GENERATE_SESSION_TIMEOUT"),
        IASAttribute(4164, "IAS-Session-Timeout", "IAS_ATTRIBUTE_SESSION_TIMEOUT"),
        IASAttribute(4165, "MS-Quarantine-IPFilter", "MS_ATTRIBUTE_QUARANTINE_IPFILTER"),
        IASAttribute(4166, "MS-Quarantine-Session-Timeout", "MS_ATTRIBUTE_QUARANTINE_SESSION_TIMEOUT"),
        IASAttribute(4167, "MS-User-Security-Identity", "MS_ATTRIBUTE_USER_SECURITY_IDENTITY"),
        IASAttribute(
            4168, "Remote-RADIUS-To-Windows-User-Mapping", "IAS_ATTRIBUTE_REMOTE_RADIUS_TO_WINDOWS_USER_MAPPING"),
        IASAttribute(4169, "Passport-User-Mapping-UPN-Suffix", "IAS_ATTRIBUTE_PASSPORT_USER_MAPPING_UPN_SUFFIX"),
        IASAttribute(4170, "Tunnel-Tag", "IAS_ATTRIBUTE_TUNNEL_TAG"),
        IASAttribute(4171, "NP-PEAP-Upfront-Enabled", "IAS_ATTRIBUTE_NP_PEAPUPFRONT_ENABLED"),
        IASAttribute(8097, "Certificate-EKU", "IAS_ATTRIBUTE_CERTIFICATE_EKU"),
        IASAttribute(8098, "EAP-Config", "IAS_ATTRIBUTE_EAP_CONFIG"),
        IASAttribute(8099, "PEAP-Embedded-EAP-TypeId", "IAS_ATTRIBUTE_PEAP_EMBEDDED_EAP_TYPEID"),
        IASAttribute(8100, "PEAP-Fast-Roamed-Session", "IAS_ATTRIBUTE_PEAP_FAST_ROAMED_SESSION"),
        IASAttribute(8101, "EAP-TypeId", "IAS_ATTRIBUTE_EAP_TYPEID"),
        IASAttribute(8102, "MS-EAP-TLV", "MS_ATTRIBUTE_EAP_TLV"),
        IASAttribute(8103, "Reject-Reason-Code", "IAS_ATTRIBUTE_REJECT_REASON_CODE"),
        IASAttribute(8104, "Proxy-EAP-Config", "IAS_ATTRIBUTE_PROXY_EAP_CONFIG"),
        IASAttribute(8105, "EAP-Session", "IAS_ATTRIBUTE_EAP_SESSION"),
        IASAttribute(8106, "Is-Replay", "IAS_ATTRIBUTE_IS_REPLAY"),
        IASAttribute(8107, "Clear-Text-Password", "IAS_ATTRIBUTE_CLEAR_TEXT_PASSWORD"),
        IASAttribute(8108, "MS-Identity-Type", "MS_ATTRIBUTE_IDENTITY_TYPE"),
        IASAttribute(8109, "MS-Service-Class", "MS_ATTRIBUTE_SERVICE_CLASS"),
        IASAttribute(8110, "MS-Quarantine-User-Class", "MS_ATTRIBUTE_QUARANTINE_USER_CLASS"),
        IASAttribute(8111, "MS-Quarantine-State", "MS_ATTRIBUTE_QUARANTINE_STATE"),
        IASAttribute(8112, "Override-RAP-Auth", "IAS_ATTRIBUTE_OVERRIDE_RAP_AUTH"),
        IASAttribute(8113, "PEAP-Channel-Up", "IAS_ATTRIBUTE_PEAP_CHANNEL_UP"),
        IASAttribute(8114, "Name-Mapped", "IAS_ATTRIBUTE_NAME_MAPPED"),
        IASAttribute(8115, "Policy-Enforced", "IAS_ATTRIBUTE_POLICY_ENFORCED"),
        IASAttribute(8116, "Machine-NT-Groups", "IAS_ATTRIBUTE_MACHINE_NTGROUPS"),
        IASAttribute(8117, "User-NT-Groups", "IAS_ATTRIBUTE_USER_NTGROUPS"),
        IASAttribute(8118, "Machine-Token-Groups", "IAS_ATTRIBUTE_MACHINE_TOKEN_GROUPS"),
        IASAttribute(8119, "User-Token-Groups", "IAS_ATTRIBUTE_USER_TOKEN_GROUPS"),
        IASAttribute(8120, "MS-Quarantine-Grace-Time", "MS_ATTRIBUTE_QUARANTINE_GRACE_TIME"),
        IASAttribute(8121, "Quarantine-URL", "IAS_ATTRIBUTE_QUARANTINE_URL"),
        IASAttribute(8122, "Quarantine-Fixup-Servers", "IAS_ATTRIBUTE_QUARANTINE_FIXUP_SERVERS"),
        IASAttribute(8123, "MS-Not-Quarantine-Capable", "MS_ATTRIBUTE_NOT_QUARANTINE_CAPABLE"),
        IASAttribute(8124, "Quarantine-System-Health-Result", "IAS_ATTRIBUTE_QUARANTINE_SYSTEM_HEALTH_RESULT"),
        IASAttribute(8125, "Quarantine-System-Health-Validators", "IAS_ATTRIBUTE_QUARANTINE_SYSTEM_HEALTH_VALIDATORS"),
        IASAttribute(8126, "Machine-Name", "IAS_ATTRIBUTE_MACHINE_NAME"),
        IASAttribute(8127, "NT4-Machine-Name", "IAS_ATTRIBUTE_NT4_MACHINE_NAME"),
        IASAttribute(8128, "Quarantine-Session-Handle", "IAS_ATTRIBUTE_QUARANTINE_SESSION_HANDLE"),
        IASAttribute(8129, "Fully-Qualified-Machine-Name", "IAS_ATTRIBUTE_FULLY_QUALIFIED_MACHINE_NAME"),
        IASAttribute(
            8130, "Quarantine-Fixup-Servers-Configuration", "IAS_ATTRIBUTE_QUARANTINE_FIXUP_SERVERS_CONFIGURATION"),
        IASAttribute(8131, "Client-Quarantine-Compatible", "IAS_ATTRIBUTE_CLIENT_QUARANTINE_COMPATIBLE"),
        IASAttribute(8132, "MS-Network-Access-Server-Type", "MS_ATTRIBUTE_NETWORK_ACCESS_SERVER_TYPE"),
        IASAttribute(8133, "Quarantine-Session-ID", "IAS_ATTRIBUTE_QUARANTINE_SESSION_ID"),
        IASAttribute(8134, "MS-AFW-Quarantine-Zone", "MS_ATTRIBUTE_AFW_QUARANTINE_ZONE"),
        IASAttribute(8135, "MS-AFW-Protection-Level", "MS_ATTRIBUTE_AFW_PROTECTION_LEVEL"),
        IASAttribute(8136, "Quarantine-Update-Non-Compliant", "IAS_ATTRIBUTE_QUARANTINE_UPDATE_NON_COMPLIANT"),
        IASAttribute(8137, "Request-Start-Time", "IAS_ATTRIBUTE_REQUEST_START_TIME"),
        IASAttribute(8138, "MS-Machine-Name", "MS_ATTRIBUTE_MACHINE_NAME"),
        IASAttribute(8139, "Client-IPv6-Address", "IAS_ATTRIBUTE_CLIENT_IPv6_ADDRESS"),
        IASAttribute(8140, "Saved-RADIUS-Framed-Interface-ID", "IAS_ATTRIBUTE_SAVED_RADIUS_FRAMED_INTERFACE_ID"),
        IASAttribute(8141, "Saved-RADIUS-Framed-IPv6-Prefix", "IAS_ATTRIBUTE_SAVED_RADIUS_FRAMED_IPv6_PREFIX"),
        IASAttribute(8142, "Saved-RADIUS-Framed-IPv6-Route", "IAS_ATTRIBUTE_SAVED_RADIUS_FRAMED_IPv6_ROUTE"),
        IASAttribute(
            8143, "MS-Quarantine-Grace-Time-Configuration", "MS_ATTRIBUTE_QUARANTINE_GRACE_TIME_CONFIGURATION"),
        IASAttribute(8144, "MS-IPv6-Filter", "MS_ATTRIBUTE_IPv6_FILTER"),
        IASAttribute(8145, "MS-IPv4-Remediation-Servers", "MS_ATTRIBUTE_IPV4_REMEDIATION_SERVERS"),
        IASAttribute(8146, "MS-IPv6-Remediation-Servers", "MS_ATTRIBUTE_IPV6_REMEDIATION_SERVERS"),
        IASAttribute(8147, "Proxy-Retry-Count", "IAS_ATTRIBUTE_PROXY_RETRY_COUNT"),
        IASAttribute(8148, "Machine-Inventory", "IAS_ATTRIBUTE_MACHINE_INVENTORY"),
        IASAttribute(8149, "Absolute-Time", "IAS_ATTRIBUTE_ABSOLUTE_TIME"),
        IASAttribute(8150, "MS-Quarantine-SoH", "MS_ATTRIBUTE_QUARANTINE_SOH"),
        IASAttribute(8151, "EAP-Types-Configured-In-Proxy-Policy", "IAS_ATTRIBUTE_EAP_TYPES_CONFIGURED_IN_PROXYPOLICY"),
        IASAttribute(8152, "MS-HCAP-Location-Group-Name", "MS_ATTRIBUTE_HCAP_LOCATION_GROUP_NAME"),
        IASAttribute(8153, "MS-Extended-Quarantine-State", "MS_ATTRIBUTE_EXTENDED_QUARANTINE_STATE"),
        IASAttribute(8154, "SoH-Carrier-EAP-TLV", "IAS_ATTRIBUTE_SOH_CARRIER_EAPTLV"),
        IASAttribute(8155, "MS-HCAP-User-Groups", "MS_ATTRIBUTE_HCAP_USER_GROUPS"),
        IASAttribute(8156, "Saved-Machine-Healthcheck-Only", "IAS_ATTRIBUTE_SAVED_MACHINE_HEALTHCHECK_ONLY"),
        IASAttribute(8157, "Policy-Evaluated-SHV", "IAS_ATTRIBUTE_POLICY_EVALUATED_SHV"),
        IASAttribute(8158, "MS-RAS-Correlation-ID", "MS_ATTRIBUTE_RAS_CORRELATION_ID"),
        IASAttribute(8159, "MS-HCAP-User-Name", "MS_ATTRIBUTE_HCAP_USER_NAME"),
        IASAttribute(8160, "NT4-HCAP-Account-Name", "IAS_ATTRIBUTE_NT4_HCAP_ACCOUNT_NAME"),
        IASAttribute(8161, "User-Token-SID", "IAS_ATTRIBUTE_USER_TOKEN_SID"),
        IASAttribute(8162, "Machine-Token-SID", "IAS_ATTRIBUTE_MACHINE_TOKEN_SID"),
        IASAttribute(8163, "Machine-Validated", "IAS_ATTRIBUTE_MACHINE_VALIDATED"),
        IASAttribute(8164, "MS-User-IPv4-Address", "MS_ATTRIBUTE_USER_IPv4_ADDRESS"),
        IASAttribute(8165, "MS-User-IPv6-Address", "MS_ATTRIBUTE_USER_IPv6_ADDRESS"),
        IASAttribute(8166, "MS-TSG-Device-Redirection", "MS_ATTRIBUTE_TSG_DEVICE_REDIRECTION"),
        IASAttribute(8167, "Accept-Reason-Code", "IAS_ATTRIBUTE_ACCEPT_REASON_CODE"),
        IASAttribute(8168, "Logging-Result", "IAS_ATTRIBUTE_LOGGING_RESULT"),
        IASAttribute(8169, "Server-IP-Address", "IAS_ATTRIBUTE_SERVER_IP_ADDRESS"),
        IASAttribute(8170, "Server-IPv6-Address", "IAS_ATTRIBUTE_SERVER_IPv6_ADDRESS"),
        IASAttribute(8171, "RADIUS-Username-Encoding-ASCII", "IAS_ATTRIBUTE_RADIUS_USERNAME_ENCODING_ASCII"),
        IASAttribute(8172, "MS-RAS-Routing-Domain-ID", "MS_ATTRIBUTE_RAS_ROUTING_DOMAIN_ID"),
        IASAttribute(8250, "Certificate-Thumbprint", "IAS_ATTRIBUTE_CERTIFICATE_THUMBPRINT"),
    ]
}

/// Attribute number → field name for IAS-format lines: the RADIUS dictionary's names for 1–255, overridden by
/// `IASAttribute.catalogue` (NPS's spellings, and its own attributes 4096 and up). Numbers neither names are
/// "Attribute-<n>".
public struct IASAttributeNames: Sendable, Hashable {
    private let names: [Int: String]

    /// The standard-space attributes of `dictionary` (the shipped one: Dictionaries/dictionary), then NPS's names.
    public init(dictionary: RADIUSDictionary) {
        var names: [Int: String] = [:]
        for number in 1...255 {
            if let attribute = dictionary.attribute(number: UInt32(number)) { names[number] = attribute.name }
        }
        for row in IASAttribute.catalogue { names[row.number] = row.name }
        self.names = names
    }

    /// The field name of attribute `number`.
    public subscript(number: Int) -> String { names[number] ?? "Attribute-\(number)" }
}
