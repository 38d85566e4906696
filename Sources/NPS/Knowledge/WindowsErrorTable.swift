// The Windows remote-access error catalogue: one row per error, sorted by number. Data, not logic.
//
// Sources (facts only; wording is this project's): the Windows SDK headers raserror.h (RASBASE 600,
// RASBASEEND 878), mprerror.h (ROUTEBASE 900) and winerror.h (IPsec IKE errors 13800–13897) for numbers and
// symbols; shared/reference/README.md for the EAP certificate family; field experience for causes and fixes.
// Which reason codes lead to an error is stored once, in ReasonCodeTable.swift (`NPSReasonCode.windowsErrors`);
// `WindowsError.reasonCodes` reads that direction backwards.

extension WindowsError {
    /// Windows errors a user of an NPS-backed VPN or Wi-Fi connection is likely to report, sorted by number.
    public static let catalogue: [WindowsError] = [
        WindowsError(
            646, "ERROR_RESTRICTED_LOGON_HOURS", .ras,
            gist: "The account may not log on at this time of day.",
            causes: ["AD logon hours on the account exclude now (MS-CHAP E=646)."],
            fixes: ["ADUC > user > Account > Logon Hours."]),
        WindowsError(
            647, "ERROR_ACCT_DISABLED", .ras,
            gist: "The account is disabled.",
            causes: ["The user object is disabled, expired or locked out in AD (MS-CHAP E=647)."],
            fixes: ["Enable / unlock the account or extend its expiry in AD after checking why."]),
        WindowsError(
            648, "ERROR_PASSWD_EXPIRED", .ras,
            gist: "The account's password has expired.",
            causes: [
                "Expired password or 'must change at next logon' (MS-CHAP E=648); the client may offer a change.",
            ],
            fixes: [
                "Change the password; allow change-after-expiry in the network policy's MS-CHAPv2 settings.",
            ]),
        WindowsError(
            649, "ERROR_NO_DIALIN_PERMISSION", .ras,
            gist: "The account has no permission to dial in.",
            causes: [
                "Dial-in tab set to Deny access, or no network policy grants access (MS-CHAP E=649).",
            ],
            fixes: [
                "ADUC > user > Dial-in > 'Control access through NPS Network Policy'; check the matching policy.",
            ]),
        WindowsError(
            691, "ERROR_AUTHENTICATION_FAILURE", .ras,
            gist: "Access denied: the user name/password is not accepted, or the authentication protocol is not "
                + "allowed on the server.",
            causes: [
                "Wrong password or user name, unknown domain, locked-out account (NPS reasons 16, 8, 7, 36).",
                "MS-CHAPv2 failure inside PEAP: E=691 with R=1 (retry allowed) or R=0.",
                "An NPS extension (MFA) rejected the request; a remote RADIUS server behind a proxy rejected it.",
                "SSTP clients see 691 where IKEv2 clients see 812 for the same EAP/TLS failure on old RRAS.",
                "A PAP/CHAP password beyond ASCII: NPS decodes PAP passwords in its ANSI code page (windows-1252 on "
                    + "Western servers), not UTF-8, and documents no support for Extended ASCII in passwords; the "
                    + "right password sent as UTF-8 is refused (reason 16). MS-CHAPv2 hashes Unicode and is not "
                    + "affected.",
            ],
            fixes: [
                "Find event 6273 on the NPS server for this user and time: its reason code names the real cause.",
                "Clear saved credentials on the client; check account state in AD.",
                "Passwords beyond ASCII over PAP: try npsprobe --password-encoding windows-1252, or use "
                    + "MS-CHAPv2/PEAP (README, passwords beyond ASCII).",
            ]),
        WindowsError(
            703, "ERROR_INTERACTIVE_MODE", .ras,
            gist: "The connection needs input from the user but runs where no prompt is allowed.",
            causes: [
                "Always On / device tunnel or a scripted rasdial needs a credential or certificate choice prompt.",
                "Server certificate validation asks 'continue connecting?' because the server is not pre-trusted.",
            ],
            fixes: [
                "Pre-configure the EAP profile fully: trusted root ticked, server names listed, certificate "
                    + "selection unambiguous, saved credentials where appropriate.",
            ]),
        WindowsError(
            708, "ERROR_ACCT_EXPIRED", .ras,
            gist: "The account has expired.",
            causes: ["accountExpires on the AD object is in the past."],
            fixes: ["Extend or clear the account expiry (`Set-ADAccountExpiration`)."]),
        WindowsError(
            709, "ERROR_CHANGING_PASSWORD", .ras,
            gist: "Changing the password on the domain failed (too short, too recent, or reused).",
            causes: ["The new password breaks the domain or fine-grained password policy (MS-CHAP E=709)."],
            fixes: ["Pick a password that meets the policy; check `Get-ADUserResultantPasswordPolicy`."]),
        WindowsError(
            718, "ERROR_PPP_TIMEOUT", .ras,
            gist: "The remote side stopped answering during PPP (often during authentication).",
            causes: [
                "The VPN server waited for NPS and got nothing: NPS discarded the request (internal/directory "
                    + "errors), the shared secret is wrong, or UDP 1812 is blocked.",
                "An MFA prompt took longer than the VPN server's RADIUS time-out.",
            ],
            fixes: [
                "On the VPN server check RADIUS server status and time-outs; on NPS look for discarded requests "
                    + "(events 6274, 18 'invalid authenticator').",
            ]),
        WindowsError(
            720, "ERROR_PPP_NO_PROTOCOLS_CONFIGURED", .ras,
            gist: "No PPP network protocol could be agreed; usually no IP address could be assigned.",
            causes: [
                "The VPN server has no address pool / DHCP for clients, or IPv4 routing is not enabled in RRAS.",
                "The client's IPv4/IPv6 settings on the VPN adapter are disabled.",
            ],
            fixes: [
                "RRAS > server properties > IPv4: static pool or DHCP that actually has free addresses.",
            ]),
        WindowsError(
            734, "ERROR_PPP_LCP_TERMINATED", .ras,
            gist: "The PPP link control protocol was terminated.",
            causes: [
                "Authentication protocol mismatch between client and server (e.g. client offers only EAP, server "
                    + "expects MS-CHAPv2), or multilink/encryption settings disagree.",
            ],
            fixes: [
                "Align the authentication methods in the client profile with RRAS and the NPS policy.",
            ]),
        WindowsError(
            798, "ERROR_NO_EAPTLS_CERTIFICATE", .ras,
            gist: "No certificate usable for this EAP method was found on the client.",
            causes: [
                "No certificate with Client Authentication EKU and private key in the user (or machine) store.",
                "The profile's certificate filters (issuer, EKU) exclude every certificate present.",
            ],
            fixes: [
                "`certutil -user -store My` on the client; check the EAP profile's certificate selection.",
            ]),
        WindowsError(
            800, "ERROR_AUTOMATIC_VPN_FAILED", .ras,
            gist: "No VPN tunnel type could be established; the server may be unreachable.",
            causes: [
                "Name resolution or routing to the VPN server fails; every tunnel type (IKEv2, SSTP, L2TP) blocked.",
                "For L2TP/IPsec: IPsec parameters (certificate or pre-shared key) wrong.",
            ],
            fixes: [
                "Resolve and reach the server (UDP 500/4500 for IKEv2, TCP 443 for SSTP); check the tunnel type.",
            ]),
        WindowsError(
            801, "ERROR_VALIDATING_SERVER_CERT", .ras,
            gist: "The client was told to validate the server but could not verify its certificate.",
            causes: [
                "The server certificate's root is not trusted, or its revocation cannot be checked from the client.",
            ],
            fixes: [
                "Install the root on the client; make the server certificate's CRL reachable from where clients are.",
            ]),
        WindowsError(
            806, "ERROR_VPN_GRE_BLOCKED", .ras,
            gist: "The VPN started but could not complete: GRE (IP protocol 47) is blocked on the path.",
            causes: ["PPTP needs GRE; a firewall or NAT on the way drops it."],
            fixes: ["Allow GRE, or move off PPTP to IKEv2 or SSTP."]),
        WindowsError(
            807, "ERROR_VPN_DISCONNECT", .ras,
            gist: "The connection to the VPN server was interrupted.",
            causes: ["Network loss, latency, server capacity, or an idle/NAT time-out on the path."],
            fixes: ["Reconnect; check server capacity and keep-alive/NAT time-outs on firewalls."]),
        WindowsError(
            809, "ERROR_VPN_TIMEOUT", .ras,
            gist: "The VPN server did not respond: something between client and server blocks VPN traffic.",
            causes: [
                "UDP 500/4500 (IKEv2) or TCP 443 (SSTP) blocked or mis-forwarded; a load balancer splitting UDP "
                    + "500 and 4500 to different servers.",
                "IKEv2 packets large enough to be IP-fragmented, and the fragments dropped on the path.",
                "The server name resolves to the wrong address.",
                "Behind the VPN server, NPS dropped its RADIUS request as unsigned or from an unknown client "
                    + "(BlastRADIUS hardening, KB5040268): NPS events 4418 (Proxy-State without "
                    + "Message-Authenticator, limitProxyState), 13 (unknown RADIUS client), 17 (Message-Authenticator "
                    + "required); NPS proxying to an unsigned remote server: 4420.",
            ],
            fixes: [
                "Check name resolution, edge firewall/NAT rules and load-balancer persistence for UDP 500+4500.",
                "Enable IKEv2 fragmentation on RRAS (registry Ikev2\\EnableServerFragmentation = 1).",
                "On NPS, read the System log for events 4418, 4420, 13 and 17 (npsprobe explain 4418); sign every "
                    + "RADIUS request at the NAS (npsprobe always does).",
            ]),
        WindowsError(
            810, "ERROR_VPN_BAD_CERT", .ras,
            gist: "The VPN started but did not complete, typically because of a wrong or expired certificate.",
            causes: ["The VPN server's or the client's machine certificate is wrong or expired (IPsec layer)."],
            fixes: ["Check the server's TLS/IKE certificate and the client's machine certificate validity."]),
        WindowsError(
            812, "ERROR_SERVER_POLICY", .ras,
            gist: "A policy on the RAS/VPN server (in practice: NPS) prevented the connection, e.g. the "
                + "authentication method does not match.",
            causes: [
                "No network or connection request policy matched (reasons 48, 49), or dial-in denied (65).",
                "The authentication method or EAP type is not allowed by the policy (66, 22).",
                "Policy constraints failed: port type, called station, day and time (67–71).",
                "Certificate revocation could not be checked (257, 258, 259, 291), e.g. short-lived certificates "
                    + "without a CRL distribution point.",
                "Old RRAS with TLS 1.0 disabled breaks EAP for IKEv2 clients (SSTP shows 691 instead).",
            ],
            fixes: [
                "Find event 6273 on NPS for this user and time; its reason code decides which fix applies.",
            ]),
        WindowsError(
            813, "ERROR_BROADBAND_ACTIVE", .ras,
            gist: "A second broadband (PPPoE) connection was attempted over a device that already has one.",
            causes: ["Not an NPS error: PPPoE connection already up on the same adapter."],
            fixes: ["Disconnect the existing broadband connection first."]),
        WindowsError(
            823, "ERROR_PEAP_CRYPTOBINDING_INVALID", .ras,
            gist: "The crypto-binding TLV received from the server is invalid.",
            causes: [
                "A PEAP server whose compound MAC the client cannot verify (server bug, or a tunnel "
                    + "man-in-the-middle).",
            ],
            fixes: ["Check the PEAP server implementation; compare with [MS-PEAP] 3.1.5.5 reference vectors."]),
        WindowsError(
            824, "ERROR_PEAP_CRYPTOBINDING_NOTRECEIVED", .ras,
            gist: "The client required a crypto-binding TLV and the server sent none.",
            causes: ["A non-Microsoft PEAP server without crypto-binding support (e.g. FreeRADIUS)."],
            fixes: ["Turn off the client's crypto-binding requirement or use a server that sends it."]),
        WindowsError(
            828, "ERROR_IDLE_TIMEOUT", .ras,
            gist: "The connection was ended because it was idle too long.",
            causes: ["Idle-Timeout from the network policy (RADIUS attribute 28) or the client's idle setting."],
            fixes: ["Network policy > Constraints > Idle Timeout; client profile idle disconnect setting."]),
        WindowsError(
            835, "ERROR_INVALID_SERVER_CERT", .ras,
            gist: "L2TP/IPsec: the server's certificate fields do not identify the server the client dialled.",
            causes: ["The VPN server certificate's subject/SAN does not match the name the client connects to."],
            fixes: ["Issue the server certificate with the public name in the SAN."]),
        WindowsError(
            845, "ERROR_PEAP_SERVER_REJECTED_CLIENT_TLV", .ras,
            gist: "The server rejected the client's PEAP TLVs (unexpected TLV or a value mismatch).",
            causes: [
                "NPS found the client's crypto-binding invalid (reason 301) or missing (302).",
            ],
            fixes: [
                "Fix or update the supplicant's PEAP crypto-binding; see reasons 301/302.",
            ]),
        WindowsError(
            850, "ERROR_EAP_METHOD_NOT_INSTALLED", .ras,
            gist: "The EAP method the connection needs is not installed on the client.",
            causes: ["A third-party EAP method configured in the profile but missing on this computer."],
            fixes: ["Install the EAP method or switch the profile to a built-in one (PEAP, EAP-TLS)."]),
        WindowsError(
            852, "ERROR_EAP_METHOD_OPERATION_NOT_SUPPORTED", .ras,
            gist: "The configured EAP method cannot perform the requested operation.",
            causes: ["Profile asks an EAP method for a feature it lacks (e.g. single sign-on, saved credentials)."],
            fixes: ["Review the EAP profile options against what the method supports."]),
        WindowsError(
            853, "ERROR_EAP_USER_CERT_INVALID", .ras,
            gist: "Authentication failed because the client's certificate was not accepted as valid.",
            causes: [
                "The issuing CA is missing from the NTAuth store the NPS server reads (reasons 265, 295).",
                "The chain does not build to a root NPS trusts (286, 287), wrong EKU (267, 283, 293), "
                    + "name/UPN mapping problems (292, 298, 272), malformed certificate (285, 300).",
                "Windows 11 compares the NPS server names in the profile case-sensitively with the NPS "
                    + "certificate's name, and reports the mismatch as 853.",
                "Since February 2025 (KB5014754): the certificate is not strongly mapped — no SID extension "
                    + "(1.3.6.1.4.1.311.25.2), no SAN URI tag:microsoft.com,2022-09-14:sid:<SID>, no explicit "
                    + "altSecurityIdentities mapping — and the domain controllers enforce: NPS reason 16, KDC event "
                    + "39 (40: the certificate predates the account; 41: another account's SID).",
            ],
            fixes: [
                "On NPS: `certutil -enterprise -viewstore NTAuth`; add the issuing CA with "
                    + "`certutil -enterprise -addstore NTAuth <ca.cer>`.",
                "On NPS: `certutil -verify -urlfetch <client.cer>` shows chain and revocation problems.",
                "Write the NPS server names in the profile exactly as in the NPS certificate.",
                "Not strongly mapped: reissue from an AD CS template that adds the SID, add the SID SAN URI to "
                    + "SCEP/Intune certificates (Windows Server 2019+ KDCs), or map the account strongly (npsprobe "
                    + "explain strong-mapping).",
            ]),
        WindowsError(
            854, "ERROR_EAP_USER_CERT_EXPIRED", .ras,
            gist: "Authentication failed because the client's certificate has expired.",
            causes: ["The user/device certificate (or a CA above it) expired; renewal did not happen."],
            fixes: ["Renew the certificate; check auto-enrollment or the Intune certificate profile."]),
        WindowsError(
            855, "ERROR_EAP_USER_CERT_REVOKED", .ras,
            gist: "Authentication failed because the client's certificate is revoked.",
            causes: ["The certificate is on its CA's CRL (reasons 256, 289)."],
            fixes: ["Enroll a new certificate; unrevoke only if it was put on hold by mistake."]),
        WindowsError(
            856, "ERROR_EAP_USER_CERT_OTHER_ERROR", .ras,
            gist: "Authentication failed because of some other problem with the client's certificate.",
            causes: ["A certificate problem not covered by 853–855 (key access, TPM, smart card)."],
            fixes: ["Check the certificate and its private key on the client (`certutil -user -store My`)."]),
        WindowsError(
            857, "ERROR_EAP_SERVER_CERT_INVALID", .ras,
            gist: "The client rejected the NPS server's certificate as not valid.",
            causes: [
                "The NPS certificate's name is not among the server names in the client profile.",
                "The NPS certificate lacks the Server Authentication EKU or has a bad chain.",
            ],
            fixes: [
                "Compare the profile's 'Connect to these servers' list with the NPS certificate's subject/SAN.",
                "Check the certificate chosen in the NPS policy's PEAP/EAP-TLS settings.",
            ]),
        WindowsError(
            858, "ERROR_EAP_SERVER_CERT_EXPIRED", .ras,
            gist: "The NPS server's certificate has expired.",
            causes: [
                "The NPS certificate expired; the renewed one is not selected in the network policy's EAP settings.",
            ],
            fixes: [
                "Renew it and select the new certificate in every network policy's PEAP/EAP-TLS properties.",
            ]),
        WindowsError(
            859, "ERROR_EAP_SERVER_CERT_REVOKED", .ras,
            gist: "The NPS server's certificate is revoked.",
            causes: ["The NPS certificate is on its CA's CRL."],
            fixes: ["Enroll a new NPS certificate and select it in the network policies."]),
        WindowsError(
            860, "ERROR_EAP_SERVER_CERT_OTHER_ERROR", .ras,
            gist: "Some other problem with the NPS server's certificate stopped authentication.",
            causes: ["The client could not check the NPS certificate's revocation, or another chain problem."],
            fixes: ["Make the NPS certificate's CDP reachable from clients; check the chain."]),
        WindowsError(
            861, "ERROR_EAP_USER_ROOT_CERT_NOT_FOUND", .ras,
            gist: "The client has no trusted root that validates its own certificate.",
            causes: ["The issuing root is missing from the client's Trusted Root Certification Authorities."],
            fixes: ["Deploy the root CA certificate to the client (GPO or Intune trusted certificate profile)."]),
        WindowsError(
            862, "ERROR_EAP_USER_ROOT_CERT_INVALID", .ras,
            gist: "The trusted root validating the client's certificate is not valid.",
            causes: ["A damaged or unusable root certificate on the client."],
            fixes: ["Re-deploy the root CA certificate."]),
        WindowsError(
            863, "ERROR_EAP_USER_ROOT_CERT_EXPIRED", .ras,
            gist: "The root that validates the client's certificate has expired.",
            causes: ["The root CA certificate on the client expired (CA renewal not deployed)."],
            fixes: ["Deploy the renewed root CA certificate."]),
        WindowsError(
            864, "ERROR_EAP_SERVER_ROOT_CERT_NOT_FOUND", .ras,
            gist: "The client does not trust the root CA of the NPS server's certificate.",
            causes: [
                "The root of the NPS certificate is not in the client's trusted roots, or not ticked among the "
                    + "'Trusted Root Certification Authorities' of the EAP profile.",
            ],
            fixes: [
                "Deploy the root and tick it in the profile (TrustedRootCA hash in ProfileXML).",
            ]),
        WindowsError(
            865, "ERROR_EAP_SERVER_ROOT_CERT_INVALID", .ras,
            gist: "The root that validates the NPS server's certificate is not valid on the client.",
            causes: ["A damaged root certificate on the client."],
            fixes: ["Re-deploy the root CA certificate."]),
        WindowsError(
            866, "ERROR_EAP_SERVER_ROOT_CERT_NAME_REQUIRED", .ras,
            gist: "The NPS server's certificate carries no server name, but the client requires one.",
            causes: ["The NPS certificate has no usable subject/SAN DNS name."],
            fixes: ["Issue the NPS certificate with its DNS name in the SAN."]),
        WindowsError(
            867, "ERROR_PEAP_IDENTITY_MISMATCH", .ras,
            gist: "PEAP outer identity differs from the inner identity while identity privacy is off.",
            causes: ["The profile sends one name outside the tunnel and another inside."],
            fixes: ["Enable identity privacy, or make both identities the same."]),
        WindowsError(
            868, "ERROR_DNSNAME_NOT_RESOLVABLE", .ras,
            gist: "The VPN server's name did not resolve.",
            causes: ["DNS failure or a typo in the server address."],
            fixes: ["`Resolve-DnsName <server>` on the client."]),
        WindowsError(
            869, "ERROR_EAPTLS_PASSWD_INVALID", .ras,
            gist: "The password given for the certificate (private key) is not valid.",
            causes: ["A wrong PIN/password for a protected key or smart card."],
            fixes: ["Retry with the right PIN; re-import the certificate if the key protection is broken."]),
        WindowsError(
            938, "ERROR_NO_RADIUS_SERVERS", .router,
            gist: "The VPN server found no RADIUS server to talk to.",
            causes: ["RRAS is set to RADIUS authentication with no (reachable) RADIUS servers configured."],
            fixes: ["RRAS > server properties > Security > Authentication provider > Configure."]),
        WindowsError(
            939, "ERROR_INVALID_RADIUS_RESPONSE", .router,
            gist: "The VPN server got an invalid response from the RADIUS server.",
            causes: ["Shared secret mismatch between RRAS and NPS (the Response Authenticator does not verify)."],
            fixes: ["Set the same shared secret in RRAS and in the NPS RADIUS client entry."]),
        WindowsError(
            940, "ERROR_DIALIN_HOURS_RESTRICTION", .router,
            gist: "The account may not connect at this time.",
            causes: ["Time-of-day restriction in the remote access policy."],
            fixes: ["Review day and time restrictions in the policy."]),
        WindowsError(
            941, "ERROR_ALLOWED_PORT_TYPE_RESTRICTION", .router,
            gist: "The account may not connect with this device/port type.",
            causes: ["Port type restriction in the remote access policy."],
            fixes: ["Review the NAS Port Type constraint."]),
        WindowsError(
            942, "ERROR_AUTH_PROTOCOL_RESTRICTION", .router,
            gist: "The authentication method of the connection is not permitted by the server's access policy.",
            causes: ["Policy authentication methods differ from the client's (see NPS reason 66)."],
            fixes: ["Align the network policy's authentication methods with the client profile."]),
        WindowsError(
            13801, "ERROR_IPSEC_IKE_AUTH_FAIL", .ike,
            gist: "IKE authentication credentials are unacceptable.",
            causes: [
                "The VPN server's certificate fails on the client: missing Server Authentication EKU, name not "
                    + "matching the address dialled, untrusted root, revocation unreachable.",
                "Device tunnel: the machine certificate is not accepted by the server (wrong issuing root).",
            ],
            fixes: [
                "Check the VPN server certificate (EKU, SAN = public name, chain, CRL reachable from outside).",
                "Check RRAS's accepted root (`Get-VpnAuthProtocol`) against the client certificates' root.",
            ]),
        WindowsError(
            13806, "ERROR_IPSEC_IKE_NO_CERT", .ike,
            gist: "IKE found no valid machine certificate.",
            causes: [
                "No certificate with Client Authentication EKU and private key in the computer's personal store, "
                    + "or none issued by the root the server accepts.",
            ],
            fixes: [
                "`certutil -store My` on the client; enroll a machine certificate from the right CA.",
            ]),
        WindowsError(
            13817, "ERROR_IPSEC_IKE_CRL_FAILED", .ike,
            gist: "IKE could not check certificate revocation.",
            causes: ["The CRL of the VPN or client certificate cannot be fetched by the side that validates it."],
            fixes: ["Publish the CRL where both sides can reach it; `certutil -verify -urlfetch`."]),
        WindowsError(
            13819, "ERROR_IPSEC_IKE_INVALID_CERT_TYPE", .ike,
            gist: "IKE rejected the certificate type.",
            causes: [
                "A certificate whose key usage or type IKE cannot use, or a mismatch with the server's expected "
                    + "certificate root/type.",
            ],
            fixes: ["Use an RSA (or supported ECDSA) certificate with the required EKUs from the expected CA."]),
        WindowsError(
            13832, "ERROR_IPSEC_IKE_PROCESS_ERR_TRANS", .ike,
            gist: "IKE could not process a transform payload: no common cryptographic proposal.",
            causes: ["Client and server IKEv2 cipher suites (encryption, integrity, DH group) do not overlap."],
            fixes: [
                "Align `Set-VpnServerConfiguration -CustomPolicy` with the client's CryptographySuite settings.",
            ]),
        WindowsError(
            13843, "ERROR_IPSEC_IKE_INVALID_PAYLOAD", .ike,
            gist: "IKE received an invalid payload.",
            causes: [
                "Truncated or fragmented IKE packets (large certificate payloads) damaged or dropped on the path.",
                "A peer sending payloads the other side does not accept (policy or vendor mismatch).",
            ],
            fixes: ["Enable IKEv2 fragmentation on both ends; check the path MTU and crypto settings."]),
        WindowsError(
            13868, "ERROR_IPSEC_IKE_POLICY_MATCH", .ike,
            gist: "IKE found no matching policy.",
            causes: ["The IPsec/IKE policies of client and server do not match (cipher suites, auth method)."],
            fixes: ["Compare the client's IKEv2 policy with the server's; use matching custom policies."]),
    ]
}
