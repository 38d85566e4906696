// The NPS reason code catalogue: one row per code, sorted by number. Data, not logic.
//
// Sources (facts only; all wording is this project's):
// - Microsoft "NPS Reason Codes" (dd197570) via shared/reference/nps_reason_codes.tsv: the list of codes and
//   the IAS symbols for 0–8, 16–18, 32–38, 48, 64–71, 80, 96, 97.
// - The newer event-log wording in shared/reference/bakerds_Reason-Code.csv.
// - Symbols for 19, 20, 22, 23 and 256–300: the names NPS uses when it maps the underlying Windows error
//   (CRYPT_E_*, SEC_E_*, TRUST_E_*, CERT_E_* from winerror.h) to a reason code, lined up with the documented
//   text of each code (e.g. 286 "issued by a CA that is not trusted" = CERT_E_UNTRUSTEDROOT). Treat these as
//   well-founded but not Microsoft-published; codes with no known symbol carry nil.
// - Which failures NPS rejects and which it silently discards: NPS rejects account/credential failures
//   (7, 8, 16–20, 22, 32–38) and policy failures; most other internal and directory failures are discarded,
//   so the NAS sees no answer at all.
// - Windows error mappings: raserror.h/mprerror.h and field experience (e.g. 258 → 812 with short-lived
//   certificates without a CDP; 265/295 → 853 when the issuing CA is missing from NTAuth).

extension NPSReasonCode {
    /// Every reason code Microsoft documents, sorted by number.
    public static let catalogue: [NPSReasonCode] = [
        NPSReasonCode(
            0, "IAS_SUCCESS", .success,
            summary: "Success: the request was authenticated and authorized, or the accounting record was written.",
            causes: [
                "Nothing failed. Request records and accounting records normally carry 0 as well.",
            ],
            fixes: [
                "None on NPS. If the user still cannot connect, look after NPS: the NAS or VPN server (IP address "
                    + "pool, tunnel settings) or the client's own error.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            1, "IAS_INTERNAL_ERROR", .internal,
            summary: "NPS failed internally while handling the request; it is usually discarded, not rejected.",
            causes: [
                "A failure NPS had no better code for (it reports 1 for unexpected errors).",
                "The Access-Request carries neither NAS-IP-Address nor NAS-Identifier.",
                "The NPS service is short of memory or handles, or a component failed to load.",
            ],
            fixes: [
                "Read the System and Application logs on the NPS server for NPS/IAS service errors at that time.",
                "Make the NAS send NAS-IP-Address (or NAS-Identifier) in every Access-Request.",
                "Check the NPS service health (memory, recent updates); restart it with "
                    + "`net stop ias & net start ias`.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            2, "IAS_ACCESS_DENIED", .internal,
            summary: "NPS lacked the rights to read what it needs (typically the user's dial-in properties in AD).",
            causes: [
                "The NPS server is not registered in Active Directory (not a member of 'RAS and IAS Servers') in "
                    + "the user's domain, so it cannot read remote access properties.",
                "Permissions on the user objects were tightened (protected accounts, custom ACLs).",
            ],
            fixes: [
                "NPS console > right-click NPS (Local) > Register server in Active Directory, for every domain "
                    + "that holds users (or `netsh ras add registeredserver`).",
                "Check that 'RAS and IAS Servers' can read the users' remote access properties.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            3, "IAS_MALFORMED_REQUEST", .protocol,
            summary: "The Access-Request from the NAS was malformed; NPS discarded it.",
            causes: [
                "Attributes with impossible lengths, or required attributes missing.",
                "User-Name repeated, empty or with invalid characters.",
                "EAP-Message fragments reassembled wrongly by the NAS.",
            ],
            fixes: [
                "Capture RADIUS on the NPS server and check the request decodes cleanly (Wireshark, npsprobe).",
                "Compare with a known-good request; update the NAS firmware.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            4, "IAS_GLOBAL_CATALOG_UNAVAILABLE", .directory,
            summary: "NPS could not reach a global catalog to resolve the account; the request was not served.",
            causes: [
                "No global catalog reachable from the NPS server (down, wrong site, firewall).",
                "DNS cannot find the _gc._tcp SRV records.",
                "UPN-style user names (user@suffix) always need a global catalog lookup.",
            ],
            fixes: [
                "On the NPS server: `nltest /dsgetdc:<domain> /gc` and `Resolve-DnsName _gc._tcp.<forest> -Type SRV`.",
                "Open NPS → DC: TCP/UDP 389, 3268, 88, 135 and the RPC dynamic range.",
                "Check the Directory Service logs on the global catalog servers.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            5, "IAS_DOMAIN_UNAVAILABLE", .directory,
            summary: "NPS could not contact a domain controller of the user's domain.",
            causes: [
                "Domain controllers unreachable from NPS (network, firewall, RPC).",
                "DNS on the NPS server cannot locate DCs of that domain.",
                "Broken trust or broken secure channel of the NPS computer account.",
            ],
            fixes: [
                "On NPS: `nltest /dsgetdc:<domain>` and `nltest /sc_query:<domain>`; "
                    + "`Test-ComputerSecureChannel -Repair` if the channel is broken.",
                "Open NPS → DC: LDAP 389, Kerberos 88, RPC 135 + dynamic range, SMB 445.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            6, "IAS_SERVER_UNAVAILABLE", .internal,
            summary: "NPS could not process the request: out of memory, no DC name, or a SAM/directory failure.",
            causes: [
                "The NPS server is low on memory.",
                "NPS could not obtain a domain controller name.",
                "A problem in the local SAM database or the directory service (NTDS).",
            ],
            fixes: [
                "Check memory and handle use of the service hosting NPS; read the System log for SAM/NTDS errors.",
                "Check DC discovery from the NPS server (`nltest /dsgetdc:<domain>`); restart NPS.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            7, "IAS_NO_SUCH_DOMAIN", .credentials,
            summary: "The domain in the User-Name does not exist or cannot be resolved.",
            causes: [
                "A typo in DOMAIN\\user or user@realm, or a UPN suffix that is not registered in the forest.",
                "Machine authentication with host/<name>.<domain> where the domain is unknown to NPS.",
                "A realm belonging to another system reached NPS because no connection request policy "
                    + "forwarded or stripped it.",
            ],
            fixes: [
                "Look at the user name NPS saw (event 6273 'Account Name', or the User-Name npsprobe sent).",
                "Register the UPN suffix (AD Domains and Trusts) or fix the identity in the client profile.",
                "Forward the realm to its RADIUS server, or strip it with attribute manipulation in the "
                    + "connection request policy.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            8, "IAS_NO_SUCH_USER", .credentials,
            summary: "The account named in User-Name does not exist.",
            causes: [
                "A typo, or an identity format NPS cannot map (e.g. an anonymous outer identity where NPS needs "
                    + "the real one).",
                "Certificate authentication whose UPN/subject does not map to an AD account.",
                "Computer authentication: host/<fqdn> does not map to a computer object (missing or wrong SPN).",
                "The account was deleted or lives in a forest NPS cannot search.",
            ],
            fixes: [
                "Check the account exists: `Get-ADUser <name>` / `Get-ADComputer <name>`.",
                "For certificates, compare the certificate's UPN (Subject Alternative Name) with the AD account.",
                "For machines, check the computer object and its host/<fqdn> service principal name.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            9, nil, .extension,
            summary: "A third-party NPS extension DLL discarded the request.",
            causes: [
                "An extension (MFA extension, OTP provider, custom DLL) decided to drop the request.",
                "The extension could not reach its own back end and dropped instead of failing.",
            ],
            fixes: [
                "See which extensions are loaded: HKLM\\SYSTEM\\CurrentControlSet\\Services\\AuthSrv\\Parameters, "
                    + "values ExtensionDLLs and AuthorizationDLLs.",
                "Read the extension's own event log (for the Azure MFA extension: AuthNOptCh and AuthZOptCh).",
            ],
            windowsErrors: []),
        NPSReasonCode(
            10, nil, .extension,
            summary: "A third-party NPS extension DLL failed and could not do its job.",
            causes: [
                "The extension crashed, timed out or is misconfigured (certificates, tenant, back-end address).",
            ],
            fixes: [
                "Read the extension's event log; reinstall or reconfigure it; remove it from ExtensionDLLs / "
                    + "AuthorizationDLLs to confirm it is the cause.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            16, "IAS_AUTH_FAILURE", .credentials,
            summary: "Wrong credentials: the password is wrong or the user name does not match a valid credential.",
            causes: [
                "A wrong password: typed wrongly, or an old one saved in a Wi-Fi/VPN profile or on a phone after a "
                    + "password change.",
                "PAP with a wrong RADIUS shared secret: NPS decrypts User-Password into garbage.",
                "MS-CHAPv2 for an account in Protected Users (NTLM disabled) or without an NT hash in AD.",
            ],
            fixes: [
                "Verify the password with a normal domain logon; clear saved credentials on the client.",
                "For PAP, check the shared secret in NPS > RADIUS Clients and on the NAS.",
                "Check group membership (Protected Users) and that the account has a usable password.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            17, "IAS_CHANGE_PASSWORD_FAILURE", .credentials,
            summary: "The user's password change (MS-CHAP change-password) failed.",
            causes: [
                "The new password breaks the password policy: length, complexity, history or minimum age.",
                "A fine-grained password policy applies to the user.",
            ],
            fixes: [
                "Check the domain password policy and `Get-ADUserResultantPasswordPolicy <user>`.",
                "Let the user change the password on a domain-joined computer or the usual self-service portal.",
            ],
            windowsErrors: [709]),
        NPSReasonCode(
            18, "IAS_UNSUPPORTED_AUTH_TYPE", .policy,
            summary: "The client used an authentication method NPS does not support for this connection.",
            causes: [
                "A method NPS never accepts (e.g. EAP-MD5 or LEAP on current Windows Server).",
                "A method disabled on the server for this connection type.",
            ],
            fixes: [
                "Use a method NPS supports and the policy allows: PEAP (EAP-MSCHAPv2 or EAP-TLS inside), "
                    + "EAP-TLS, MS-CHAPv2.",
            ],
            windowsErrors: [691, 812]),
        NPSReasonCode(
            19, "IAS_NO_CLEARTEXT_PASSWORD", .credentials,
            summary: "CHAP needs a reversibly encrypted password and the account does not store one.",
            causes: [
                "The NAS uses CHAP (MD5) and 'Store password using reversible encryption' is off for the account.",
                "Reversible encryption was enabled but the password was not reset afterwards.",
            ],
            fixes: [
                "Prefer MS-CHAPv2 or PEAP over CHAP.",
                "If CHAP is unavoidable: enable reversible encryption (user Account tab, or GPO Computer "
                    + "Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password "
                    + "Policy) and reset the password.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            20, "IAS_LM_NOT_ALLOWED", .credentials,
            summary: "The client tried LAN Manager authentication (MS-CHAP v1 LM response); NPS refuses it.",
            causes: [
                "A legacy client or NAS that sends MS-CHAP v1 with LM responses.",
            ],
            fixes: [
                "Move the client to MS-CHAPv2 or EAP. LM can be re-enabled on NPS by registry, which is not "
                    + "advisable.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            21, nil, .extension,
            summary: "A third-party NPS extension DLL rejected the request.",
            causes: [
                "MFA extension: the user denied or did not answer the second factor, is not enrolled, or the "
                    + "second factor timed out.",
                "A custom authorization rule in an extension.",
            ],
            fixes: [
                "Read the extension's log (Azure MFA extension: AuthNOptCh/AuthZOptCh event logs).",
                "Check the user's MFA registration; give the NAS a RADIUS time-out long enough for the second "
                    + "factor (60 s is common).",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            22, "IAS_EAP_NEGOTIATION_FAILED", .eap,
            summary: "NPS and the client could not agree on an EAP type.",
            causes: [
                "The client wants an EAP type the matching network policy does not list (PEAP vs EAP-TLS, or "
                    + "the inner method of PEAP).",
                "The client NAKs the type NPS proposes; NPS proposes the first type in the policy's list.",
            ],
            fixes: [
                "Network policy > Constraints > Authentication Methods: list the EAP types the clients use, in "
                    + "the order you want NPS to propose them.",
                "Align the client profile (VPN or Wi-Fi) with the policy.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            23, "IAS_UNEXPECTED_EAP_ERROR", .eap,
            summary: "Something failed inside EAP processing on NPS (TLS engine, certificates, crypto).",
            causes: [
                "NPS's own server certificate is missing, expired, or its private key is not readable by NPS.",
                "A client certificate problem reported as a generic EAP error.",
                "A TLS version or cipher mismatch (NPS does not do TLS 1.3 for EAP; hardened cipher lists).",
                "Lost EAP fragments (large certificate chains, IP fragments dropped between NAS and NPS).",
            ],
            fixes: [
                "Check the certificate selected in the policy's PEAP/EAP-TLS settings: valid, trusted, with its "
                    + "private key and the Server Authentication EKU.",
                "Read the CAPI2 operational log and Schannel events on the NPS server.",
                "Keep TLS 1.2 enabled for Schannel on NPS; lower Framed-MTU (e.g. 1344) if fragments are lost.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            32, "IAS_LOCAL_USERS_ONLY", .account,
            summary: "NPS is in a workgroup and checks local accounts only, but the request names a domain user.",
            causes: [
                "NPS not joined to the domain while clients send DOMAIN\\user or user@domain.",
            ],
            fixes: [
                "Join the NPS server to the domain, or use local accounts without a domain part.",
                "Strip the domain with attribute manipulation in the connection request policy.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            33, "IAS_PASSWORD_MUST_CHANGE", .account,
            summary: "The password has expired or must be changed at next logon.",
            causes: [
                "'User must change password at next logon' is set, or the password expired.",
            ],
            fixes: [
                "Have the user change the password (domain computer, self-service portal).",
                "To let users change it during PEAP-MSCHAPv2: policy > Constraints > Authentication Methods > "
                    + "'User can change password after it has expired'.",
            ],
            windowsErrors: [648]),
        NPSReasonCode(
            34, "IAS_ACCOUNT_DISABLED", .account,
            summary: "The account is disabled in Active Directory.",
            causes: [
                "The user (or, for machine authentication, the computer) object is disabled.",
            ],
            fixes: [
                "Enable it (`Enable-ADAccount`), after checking why it was disabled.",
            ],
            windowsErrors: [647]),
        NPSReasonCode(
            35, "IAS_ACCOUNT_EXPIRED", .account,
            summary: "The account has expired (accountExpires is in the past).",
            causes: [
                "Account expiry date set on the user (contractors, leavers).",
            ],
            fixes: [
                "ADUC > user > Account > Account expires; or `Set-ADAccountExpiration`.",
            ],
            windowsErrors: [647, 708]),
        NPSReasonCode(
            36, "IAS_ACCOUNT_LOCKED_OUT", .account,
            summary: "The account is locked out by the domain lockout policy.",
            causes: [
                "Too many bad passwords, very often from a device retrying an old saved password (phone Wi-Fi "
                    + "profile, mapped drive, VPN profile).",
            ],
            fixes: [
                "Unlock (ADUC > Account > Unlock, or `Unlock-ADAccount`).",
                "Find the source: event 4740 on the PDC emulator names the caller computer; NPS logs show the "
                    + "Calling-Station-Id of the device.",
            ],
            windowsErrors: [691, 647]),
        NPSReasonCode(
            37, "IAS_INVALID_LOGON_HOURS", .account,
            summary: "The account's AD logon hours do not allow a logon now.",
            causes: [
                "Logon hours restricted on the user object.",
            ],
            fixes: [
                "ADUC > user > Account > Logon Hours.",
            ],
            windowsErrors: [646]),
        NPSReasonCode(
            38, "IAS_ACCOUNT_RESTRICTION", .account,
            summary: "An account restriction blocked the logon (blank password, 'Log On To' list, and similar).",
            causes: [
                "A blank password where policy requires one.",
                "The 'Log On To' workstation list (userWorkstations) excludes the computer name NPS presents.",
                "Protected Users or authentication policy silos restrict the account.",
            ],
            fixes: [
                "Check the user's Account tab (Log On To…) and any authentication policies or silos.",
                "Give the account a password that meets the policy.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            48, "IAS_NO_POLICY_MATCH", .policy,
            summary: "No network policy matched the request, so NPS denied it.",
            causes: [
                "No policy's conditions fit: Windows group (user groups vs computer groups, nested or primary "
                    + "group), NAS Port Type, Called-Station-Id, day and time.",
                "The intended policy is disabled, or ordered after a policy that matches first.",
                "User authentication hit a policy written for computers, or the other way round.",
                "NPS is not registered in AD and cannot read the account's groups.",
            ],
            fixes: [
                "Compare the request (event 6273 lists the attributes) with each enabled network policy, in order.",
                "Check membership: `Get-ADPrincipalGroupMembership <account>` (users and computers differ).",
                "Move the specific policy above the default deny policies; register NPS in AD.",
            ],
            windowsErrors: [649, 812]),
        NPSReasonCode(
            49, nil, .policy,
            summary: "No connection request policy matched, so NPS neither authenticated nor forwarded the request.",
            causes: [
                "The connection request policies' conditions (NAS Port Type, realm in User-Name, Called-Station-Id, "
                    + "time) exclude the request.",
                "The default 'Use Windows authentication for all users' policy was deleted or disabled.",
            ],
            fixes: [
                "NPS > Policies > Connection Request Policies: check conditions in processing order.",
                "Add a catch-all policy that authenticates on this server, last in the list.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            64, "IAS_DIALIN_LOCKED_OUT", .account,
            summary: "NPS remote access account lockout (separate from AD lockout) has locked the user.",
            causes: [
                "Remote access account lockout is enabled (MaxDenials) and the user failed that many times.",
            ],
            fixes: [
                "Delete the user's value under HKLM\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\"
                    + "AccountLockout (named domain:user), or wait for ResetTime.",
                "Review MaxDenials and ResetTime (mins) under that key.",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            65, "IAS_DIALIN_DISABLED", .policy,
            summary: "The user's Dial-in tab says Deny access (Network Access Permission).",
            causes: [
                "msNPAllowDialin is FALSE on the account, and the matching policy honours user dial-in properties.",
            ],
            fixes: [
                "ADUC > user > Dial-in > 'Control access through NPS Network Policy' (or Allow access).",
                "Or tick 'Ignore user account dial-in properties' in the network policy.",
            ],
            windowsErrors: [649, 812]),
        NPSReasonCode(
            66, "IAS_INVALID_AUTH_TYPE", .policy,
            summary: "The authentication method used is not enabled on the matching network policy.",
            causes: [
                "The client uses MS-CHAPv2 or PAP while the policy allows only EAP, or the other way round.",
                "PEAP with a different inner method (EAP-MSCHAPv2 vs 'Smart card or other certificate').",
                "EAP-TLS offered where the policy allows only PEAP, or the reverse.",
                "Unauthenticated (guest) access attempted and not allowed.",
            ],
            fixes: [
                "Network policy > Constraints > Authentication Methods: enable exactly what clients use.",
                "Align the client VPN/Wi-Fi profile's authentication method with the policy.",
            ],
            windowsErrors: [812, 942]),
        NPSReasonCode(
            67, "IAS_INVALID_CALLING_STATION", .policy,
            summary: "Calling-Station-Id does not match the user's 'Verify Caller ID' dial-in setting.",
            causes: [
                "Verify Caller ID is set on the Dial-in tab and the client's number/MAC differs.",
            ],
            fixes: [
                "ADUC > user > Dial-in: clear or correct 'Verify Caller ID'; or ignore dial-in properties in the "
                    + "policy.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            68, "IAS_INVALID_DIALIN_HOURS", .policy,
            summary: "The matching network policy's day-and-time restriction does not allow access now.",
            causes: [
                "Day and time restrictions in the network policy's constraints.",
            ],
            fixes: [
                "Network policy > Constraints > Day and time restrictions.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            69, "IAS_INVALID_CALLED_STATION", .policy,
            summary: "Called-Station-Id does not match the constraint in the matching network policy.",
            causes: [
                "The policy restricts Called-Station-Id (SSID suffix or NAS number) and the request differs.",
            ],
            fixes: [
                "Network policy > Constraints > Called Station ID; check the NAS's Called-Station-Id format "
                    + "(MAC:SSID).",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            70, "IAS_INVALID_PORT_TYPE", .policy,
            summary: "NAS-Port-Type does not match the constraint in the matching network policy.",
            causes: [
                "The policy allows e.g. Virtual (VPN, 5) but the request is Wireless-802.11 (19) or Ethernet (15).",
                "The NAS sends no NAS-Port-Type or an unexpected one.",
            ],
            fixes: [
                "Network policy > Constraints > NAS Port Type; check what the NAS sends.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            71, "IAS_INVALID_RESTRICTION", .policy,
            summary: "A constraint of the matching network policy was not met.",
            causes: [
                "One of the policy's constraints (idle time-out, session time-out, port type, day and time…) "
                    + "failed in a way NPS reports generically.",
            ],
            fixes: [
                "Review every constraint of the matching network policy against the request attributes.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            72, nil, .credentials,
            summary: "The password expired and the policy does not let the user change it during authentication.",
            causes: [
                "Expired password with MS-CHAPv2 / PEAP-MSCHAPv2 and password change not allowed in the policy.",
            ],
            fixes: [
                "Network policy > Constraints > Authentication Methods: 'User can change password after it has "
                    + "expired' (MS-CHAPv2 and EAP-MSCHAPv2 settings); or change it elsewhere.",
            ],
            windowsErrors: [648]),
        NPSReasonCode(
            73, nil, .certificate,
            summary: "The client certificate's Enhanced Key Usage is missing or not allowed (no Client "
                + "Authentication).",
            causes: [
                "The certificate template lacks Client Authentication (1.3.6.1.5.5.7.3.2) in Application Policies.",
                "The network policy restricts certificate purposes (Allowed-Certificate-OID) and this one is absent.",
            ],
            fixes: [
                "Add Client Authentication to the template, re-enroll, revoke the old certificate.",
                "Check the certificate purposes condition/constraint in the network policy.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            80, "IAS_NO_RECORD", .accounting,
            summary: "NPS could not write the accounting/logging record.",
            causes: [
                "The log folder is full or not writable; the SQL Server logging target is unreachable.",
                "With 'discard connection requests if logging fails' on, requests are dropped as a result.",
            ],
            fixes: [
                "Check free space and permissions on the log folder (default %SystemRoot%\\System32\\LogFiles).",
                "Check SQL Server logging connectivity; NPS > Accounting > Change Log File Properties.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            96, "IAS_SESSION_TIMEOUT", .eap,
            summary: "The EAP conversation timed out before it finished.",
            causes: [
                "The client stopped answering part-way (user cancelled, certificate prompt, roaming away).",
                "Lost fragments: a large TLS certificate message split into IP fragments a firewall drops.",
                "The NAS gave up sooner than the exchange needs (MFA, slow revocation fetch).",
            ],
            fixes: [
                "Check IP fragments are allowed between NAS and NPS; lower Framed-MTU (e.g. 1344).",
                "Raise the NAS RADIUS time-out; check the client for prompts.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            97, "IAS_UNEXPECTED_REQUEST", .protocol,
            summary: "A RADIUS message arrived that does not belong to any EAP conversation in progress.",
            causes: [
                "A load balancer sent the next round of an EAP conversation to a different NPS server.",
                "The NAS dropped or changed the State attribute between rounds.",
                "A retransmission after NPS had already finished the conversation.",
            ],
            fixes: [
                "Keep each conversation on one NPS server (persistence on source and Calling-Station-Id).",
                "Check that the NAS echoes State unchanged.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            112, nil, .proxy,
            summary: "NPS forwarded the request as a proxy and the remote RADIUS server rejected it.",
            causes: [
                "Whatever the remote server disliked; the real reason is in the remote server's log.",
            ],
            fixes: [
                "Read the remote server's log for the same request (on a remote NPS: its event 6273).",
            ],
            windowsErrors: [691]),
        NPSReasonCode(
            113, nil, .proxy,
            summary: "The connection request policy forwards to a remote RADIUS server group that does not exist.",
            causes: [
                "The group was renamed or deleted after the policy was written.",
            ],
            fixes: [
                "Connection request policy > Settings > Authentication: forward to an existing group "
                    + "(NPS > RADIUS Clients and Servers > Remote RADIUS Server Groups).",
            ],
            windowsErrors: []),
        NPSReasonCode(
            115, nil, .proxy,
            summary: "The proxy did not forward a message that is neither an access nor an accounting request.",
            causes: [
                "The NAS sent another RADIUS code (e.g. Status-Server) to a proxying policy.",
            ],
            fixes: [
                "Check what the NAS sends; NPS forwards only Access-Request and Accounting-Request.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            116, nil, .proxy,
            summary: "The proxy could not send the request to the remote RADIUS server (socket errors).",
            causes: [
                "No socket could be opened, or sending failed (local firewall, no route, port exhaustion).",
            ],
            fixes: [
                "Check outbound UDP 1812/1813 from NPS to the remote server, routing, and the remote address.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            117, nil, .proxy,
            summary: "The remote RADIUS server did not answer the proxy in time.",
            causes: [
                "The remote server is down or unreachable, or a firewall drops the traffic.",
                "Shared secret mismatch: the remote server silently drops the requests.",
                "The group's time-out is shorter than the remote server needs (MFA prompts).",
            ],
            fixes: [
                "Remote RADIUS Server Groups > server > Load Balancing: time-out, max dropped requests, blackout.",
                "Check the remote server's log for discarded requests and invalid authenticators.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            118, nil, .proxy,
            summary: "The proxy received an unreadable (malformed) reply from the remote RADIUS server.",
            causes: [
                "A shared secret mismatch (bad Response Authenticator) or a broken remote implementation.",
                "The request had several or invalid User-Name attributes.",
            ],
            fixes: [
                "Capture the exchange; check the shared secret on both sides and the remote server's software.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            256, "IAS_CRYPT_E_REVOKED", .revocation,
            summary: "The client certificate has been revoked.",
            causes: [
                "The certificate is on its issuer's CRL (revoked on purpose, or by template supersedence).",
            ],
            fixes: [
                "`certutil -verify -urlfetch <cert>` to confirm; enroll a new certificate.",
                "If revoked by mistake with reason Certificate Hold: unrevoke and publish a new CRL.",
            ],
            windowsErrors: [855]),
        NPSReasonCode(
            257, "IAS_CRYPT_E_NO_REVOCATION_DLL", .revocation,
            summary: "NPS could not load the revocation provider, so it cannot check the certificate.",
            causes: [
                "A damaged operating system component on the NPS server.",
            ],
            fixes: [
                "Repair the OS (`sfc /scannow`, `DISM /Online /Cleanup-Image /RestoreHealth`).",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            258, "IAS_CRYPT_E_NO_REVOCATION_CHECK", .revocation,
            summary: "Revocation could not be checked for the client certificate.",
            causes: [
                "The certificate has no CRL Distribution Point or OCSP address (e.g. short-lived certificates such "
                    + "as Azure Conditional Access VPN certificates).",
                "NPS cannot fetch the CRL: HTTP/LDAP CDP unreachable, proxy, firewall.",
                "The CRL has expired because the CA stopped publishing.",
            ],
            fixes: [
                "On NPS: `certutil -verify -urlfetch <cert>` shows which URL fails.",
                "Publish the CRL / fix CDP URLs on the CA and in the certificate template.",
                "Last resort: DWORD IgnoreNoRevocationCheck=1 under HKLM\\SYSTEM\\CurrentControlSet\\Services\\"
                    + "RasMan\\PPP\\EAP\\13 (EAP-TLS, also used inside PEAP).",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            259, "IAS_CRYPT_E_REVOCATION_OFFLINE", .revocation,
            summary: "The revocation server (CRL or OCSP) was offline, so the certificate could not be checked.",
            causes: [
                "The CDP web server or OCSP responder is down or unreachable from NPS.",
            ],
            fixes: [
                "`certutil -verify -urlfetch <cert>` on NPS; bring the CDP/OCSP back; make CRLs highly available.",
                "Temporary workaround: DWORD IgnoreRevocationOffline=1 under "
                    + "HKLM\\SYSTEM\\CurrentControlSet\\Services\\RasMan\\PPP\\EAP\\13.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            260, "IAS_SEC_E_MESSAGE_ALTERED", .eap,
            summary: "An EAP/TLS message failed its integrity check: it was altered on the way.",
            causes: [
                "The NAS or a middlebox rewrote EAP-Message fragments.",
                "A broken supplicant, or a real man-in-the-middle.",
            ],
            fixes: [
                "Capture on both sides and compare; update NAS firmware; check the shared secret.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            261, "IAS_SEC_E_NO_AUTHENTICATING_AUTHORITY", .directory,
            summary: "NPS could not contact AD (or the local account database) to authenticate the request.",
            causes: [
                "Domain controllers unreachable while mapping a certificate or validating credentials.",
            ],
            fixes: [
                "Check DC reachability from NPS (`nltest /dsgetdc:<domain>`), DNS and firewall rules.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            262, "IAS_SEC_E_INCOMPLETE_MESSAGE", .eap,
            summary: "A TLS message was incomplete, so its signature could not be verified.",
            causes: [
                "EAP fragments lost or reassembled wrongly (MTU, IP fragments dropped).",
            ],
            fixes: [
                "Lower Framed-MTU; allow IP fragments between NAS and NPS; update the NAS.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            263, "IAS_SEC_E_INCOMPLETE_CREDENTIALS", .certificate,
            summary: "The client did not present complete credentials (e.g. an empty certificate in EAP-TLS).",
            causes: [
                "No usable client certificate: wrong EKU, not from a CA NPS names, filtered out by the profile.",
                "The private key is not usable (smart card not inserted, TPM problem).",
            ],
            fixes: [
                "On the client: `certutil -user -store My` (or -store My for machines); check key and EKU.",
                "Check the certificate selection settings of the client's EAP profile.",
            ],
            windowsErrors: [798, 853]),
        NPSReasonCode(
            264, "IAS_SEC_E_TIME_SKEW", .eap,
            summary: "The clocks of the NPS server and the client are too far apart.",
            causes: [
                "Time service broken on the client or on NPS.",
            ],
            fixes: [
                "`w32tm /query /status` and `w32tm /resync` on both; fix the domain time hierarchy.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            265, "IAS_SEC_E_UNTRUSTED_ROOT", .certificate,
            summary: "The client certificate chains to a root or enterprise CA that NPS does not trust.",
            causes: [
                "The issuing CA certificate is missing from the enterprise NTAuth store.",
                "The root CA is missing from the NPS server's Trusted Root Certification Authorities.",
            ],
            fixes: [
                "`certutil -enterprise -viewstore NTAuth`; add with `certutil -enterprise -addstore NTAuth <ca.cer>`.",
                "`certutil -verify <client.cer>` on the NPS server to see the chain it builds.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            266, "IAS_SEC_E_ILLEGAL_MESSAGE", .eap,
            summary: "NPS received an unexpected or badly formatted TLS message.",
            causes: [
                "The client aborted the handshake with a TLS alert, typically because it rejected NPS's server "
                    + "certificate (untrusted root, name not in the profile's server list).",
                "A TLS version mismatch (a client insisting on TLS 1.3).",
                "Broken fragment reassembly.",
            ],
            fixes: [
                "Check the client trusts the root of NPS's certificate and lists the NPS server name exactly "
                    + "(Windows 11 compares it case-sensitively).",
                "Keep TLS 1.2 enabled on both sides; check MTU and fragmentation.",
            ],
            windowsErrors: [857, 864]),
        NPSReasonCode(
            267, "IAS_SEC_E_CERT_WRONG_USAGE", .certificate,
            summary: "The client certificate lacks the Client Authentication purpose (EKU).",
            causes: [
                "The template's Application Policies do not include Client Authentication (1.3.6.1.5.5.7.3.2).",
            ],
            fixes: [
                "Fix the template, re-enroll the clients, revoke the old certificates.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            268, "IAS_SEC_E_CERT_EXPIRED", .certificate,
            summary: "The client certificate has expired.",
            causes: [
                "Auto-enrollment/renewal not working (Intune, GPO, or the client offline for long).",
            ],
            fixes: [
                "Renew the certificate; check auto-enrollment (`certutil -pulse`, Intune certificate profile).",
            ],
            windowsErrors: [854]),
        NPSReasonCode(
            269, "IAS_SEC_E_ALGORITHM_MISMATCH", .eap,
            summary: "NPS and the client share no usable algorithm (TLS version, cipher suite, key type).",
            causes: [
                "TLS cipher suites or versions disabled on NPS or on the client by hardening.",
                "A certificate key/signature type the other side does not accept (e.g. ECDSA or RSA-PSS).",
            ],
            fixes: [
                "Compare `Get-TlsCipherSuite` on NPS with the client's offer; keep TLS 1.2 with ECDHE-RSA/ECDSA "
                    + "AES-GCM suites enabled.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            270, "IAS_SEC_E_SMARTCARD_LOGON_REQUIRED", .policy,
            summary: "The matching policy requires a smart card and the user signed in another way.",
            causes: [
                "Smart card required by policy or account ('Smart card is required for interactive logon').",
            ],
            fixes: [
                "Use the smart card (or certificate) method, or relax the requirement in the policy/account.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            271, "IAS_SEC_E_SHUTDOWN_IN_PROGRESS", .internal,
            summary: "NPS was shutting down or restarting when the request arrived.",
            causes: [
                "Service restart, reboot or configuration import in progress.",
            ],
            fixes: [
                "Transient; if frequent, find out what restarts NPS (System log, patching, scripts).",
            ],
            windowsErrors: []),
        NPSReasonCode(
            272, "IAS_SEC_E_MULTIPLE_ACCOUNTS", .certificate,
            summary: "The client certificate maps to more than one account.",
            causes: [
                "The same UPN on two accounts (duplicates across domains, or a user and a computer).",
                "A duplicated altSecurityIdentities mapping.",
            ],
            fixes: [
                "Search AD for the duplicate: `Get-ADObject -LDAPFilter '(userPrincipalName=<upn>)'` in each "
                    + "domain, and for altSecurityIdentities.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            273, "IAS_TRUST_E_PROVIDER_UNKNOWN", .trust,
            summary: "Windows trust verification on NPS did not recognise the trust provider.",
            causes: [
                "A damaged or missing operating system component on the NPS server.",
            ],
            fixes: [
                "Repair the OS (`sfc /scannow`, DISM).",
            ],
            windowsErrors: []),
        NPSReasonCode(
            274, "IAS_TRUST_E_ACTION_UNKNOWN", .trust,
            summary: "Windows trust verification on NPS did not support the requested action.",
            causes: [
                "A damaged operating system component or an incompatible third-party trust provider.",
            ],
            fixes: [
                "Repair the OS; remove third-party EAP/trust components to test.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            275, "IAS_TRUST_E_SUBJECT_FORM_UNKNOWN", .trust,
            summary: "Windows trust verification on NPS did not support the subject form it was given.",
            causes: [
                "A damaged operating system component or an incompatible third-party trust provider.",
            ],
            fixes: [
                "Repair the OS; remove third-party EAP/trust components to test.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            276, "IAS_TRUST_E_SUBJECT_NOT_TRUSTED", .trust,
            summary: "The binary that runs EAP on NPS could not be verified as trusted.",
            causes: [
                "A third-party EAP method DLL whose signature does not verify.",
            ],
            fixes: [
                "Reinstall or update the EAP method; check its signature (`Get-AuthenticodeSignature`).",
            ],
            windowsErrors: []),
        NPSReasonCode(
            277, "IAS_TRUST_E_NOSIGNATURE", .trust,
            summary: "The binary that runs EAP on NPS is unsigned, or its signer certificate cannot be found.",
            causes: [
                "An unsigned third-party EAP method DLL, or the signer's root missing on NPS.",
            ],
            fixes: [
                "Install a signed version of the EAP method; check the signer chain on the NPS server.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            278, "IAS_CERT_E_EXPIRED", .certificate,
            summary: "The client certificate (or one in its chain) has expired.",
            causes: [
                "The end-entity certificate expired, or an issuing/intermediate CA certificate did.",
            ],
            fixes: [
                "Renew the expired certificate; check the CA certificates' validity too (`certutil -verify`).",
            ],
            windowsErrors: [854]),
        NPSReasonCode(
            279, "IAS_CERT_E_VALIDITYPERIODNESTING", .certificate,
            summary: "The validity periods in the client certificate's chain do not nest.",
            causes: [
                "A certificate valid beyond (or before) its issuer's validity, e.g. after a CA renewal mistake.",
            ],
            fixes: [
                "Re-issue the certificate from a CA certificate whose validity covers it.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            280, "IAS_CERT_E_ROLE", .certificate,
            summary: "The client certificate was not issued by a valid CA (a non-CA certificate acts as issuer).",
            causes: [
                "The issuer lacks the CA basic constraint, or a leaf certificate was used to sign another.",
            ],
            fixes: [
                "Issue client certificates from a proper CA; check Basic Constraints in the chain.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            281, "IAS_CERT_E_PATHLENCONST", .certificate,
            summary: "The client certificate's chain is longer than a CA's path length constraint allows.",
            causes: [
                "An extra intermediate CA below one with pathLenConstraint.",
            ],
            fixes: [
                "Issue from a CA within the allowed depth, or re-issue the constraining CA certificate.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            282, "IAS_CERT_E_CRITICAL", .certificate,
            summary: "The client certificate has a critical extension NPS does not understand.",
            causes: [
                "A custom or unusual extension marked critical in the template or third-party CA profile.",
            ],
            fixes: [
                "Remove the extension or mark it non-critical in the template; re-enroll.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            283, "IAS_CERT_E_PURPOSE", .certificate,
            summary: "The client certificate lacks Client Authentication in its Application Policies.",
            causes: [
                "The template was issued without Client Authentication (1.3.6.1.5.5.7.3.2).",
            ],
            fixes: [
                "Add Client Authentication to the template's Application Policies; re-enroll.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            284, "IAS_CERT_E_ISSUERCHAINING", .certificate,
            summary: "The client certificate's issuer does not match its parent in the chain.",
            causes: [
                "The chain was built with a different CA certificate of the same name (renewed CA, wrong key).",
            ],
            fixes: [
                "Install the correct issuing CA certificate on NPS (matching Authority Key Identifier).",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            285, "IAS_CERT_E_MALFORMED", .certificate,
            summary: "NPS could not find the client certificate, or it is malformed and missing information.",
            causes: [
                "A certificate without the subject/SAN data NPS needs to map it to an account.",
                "A corrupted certificate message.",
            ],
            fixes: [
                "Inspect it (`certutil -dump <cert>`); make the template put the UPN/DNS name in the SAN.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            286, "IAS_CERT_E_UNTRUSTEDROOT", .certificate,
            summary: "The client certificate was issued by a CA NPS does not trust.",
            causes: [
                "The root CA certificate is not in the NPS server's Trusted Root Certification Authorities store.",
            ],
            fixes: [
                "Import the root into the NPS computer's trusted roots (GPO or `certutil -addstore Root`).",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            287, "IAS_CERT_E_CHAINING", .certificate,
            summary: "The client certificate does not chain to an enterprise root CA that NPS trusts.",
            causes: [
                "A missing intermediate certificate on NPS (and not sent by the client).",
                "The issuing CA is missing from NTAuth.",
            ],
            fixes: [
                "Install intermediates in the NPS Intermediate store; check NTAuth "
                    + "(`certutil -enterprise -viewstore NTAuth`).",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            288, "IAS_TRUST_E_FAIL", .certificate,
            summary: "Certificate trust verification failed for an unspecified reason.",
            causes: [
                "A chain problem Windows does not classify further.",
            ],
            fixes: [
                "Enable the CAPI2 operational log on NPS and read the chain-building events for this request.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            289, "IAS_CERT_E_REVOKED", .revocation,
            summary: "The client certificate (or a CA in its chain) is revoked.",
            causes: [
                "Revoked on purpose, superseded, or the issuing CA certificate itself was revoked.",
            ],
            fixes: [
                "`certutil -verify -urlfetch <cert>` shows which certificate is revoked; re-enroll.",
            ],
            windowsErrors: [855]),
        NPSReasonCode(
            290, "IAS_CERT_E_UNTRUSTEDTESTROOT", .certificate,
            summary: "The client certificate chains to a test root that policy does not trust.",
            causes: [
                "A test/trial CA used in production.",
            ],
            fixes: [
                "Issue from the production CA.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            291, "IAS_CERT_E_REVOCATION_FAILURE", .revocation,
            summary: "NPS could not locate or reach the CRL to check whether the certificate is revoked.",
            causes: [
                "The revocation server is unavailable, or the CRL is not where the CDP says.",
            ],
            fixes: [
                "`certutil -verify -urlfetch <cert>` on NPS; publish the CRL to every CDP location.",
            ],
            windowsErrors: [812]),
        NPSReasonCode(
            292, "IAS_CERT_E_CN_NO_MATCH", .certificate,
            summary: "User-Name in the request does not match the certificate's common name.",
            causes: [
                "The client's EAP identity differs from the certificate subject (e.g. a different UPN or alias).",
            ],
            fixes: [
                "Make the client's identity match the certificate (profile setting for the EAP identity).",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            293, "IAS_CERT_E_WRONG_USAGE", .certificate,
            summary: "The client certificate is not valid for Client Authentication (EKU).",
            causes: [
                "Client Authentication missing from the certificate's Enhanced Key Usage.",
            ],
            fixes: [
                "Fix the template's EKU, re-enroll.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            294, "IAS_TRUST_E_EXPLICIT_DISTRUST", .certificate,
            summary: "The certificate has been explicitly marked untrusted on the NPS server.",
            causes: [
                "The certificate (or a CA in its chain) is in an Untrusted Certificates store.",
            ],
            fixes: [
                "Certificates MMC (Local Computer and the NPS service account) > Untrusted Certificates: remove it "
                    + "if the distrust is a mistake.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            295, "IAS_CERT_E_UNTRUSTEDCA", .certificate,
            summary: "The client certificate was issued by a CA NPS does not trust for authentication.",
            causes: [
                "The issuing CA is not in NTAuth, or its root is not trusted on NPS.",
            ],
            fixes: [
                "`certutil -enterprise -addstore NTAuth <issuing-ca.cer>`; check the trusted roots on NPS.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            296, "IAS_CERT_E_INVALID_POLICY", .certificate,
            summary: "The client certificate's policies do not allow Client Authentication.",
            causes: [
                "EKU/Application Policies missing Client Authentication, or a certificate policy constraint "
                    + "in the chain excludes it.",
            ],
            fixes: [
                "Fix the template's Application Policies; check policy constraints on the CA certificates.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            297, "IAS_CERT_E_INVALID_NAME", .certificate,
            summary: "The client certificate's name is not valid (empty, malformed, or outside name constraints).",
            causes: [
                "Empty subject without SAN, or a name that breaks a CA's name constraints.",
            ],
            fixes: [
                "Put a proper UPN/DNS name in the SAN; check name constraints on the CA certificates.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            298, "IAS_SEC_E_PKINIT_NAME_MISMATCH", .certificate,
            summary: "The certificate has no valid UPN, or User-Name does not match it.",
            causes: [
                "No UPN in the SAN (common with certificates from non-Microsoft CAs or Intune SCEP profiles).",
                "The EAP identity differs from the certificate's UPN.",
            ],
            fixes: [
                "Put the user's UPN in the certificate's Subject Alternative Name; align the client identity.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            299, "IAS_SEC_E_OUT_OF_SEQUENCE", .eap,
            summary: "Messages arrived out of sequence during verification.",
            causes: [
                "Retransmissions or reordering mixed rounds of the TLS exchange; a buggy supplicant.",
            ],
            fixes: [
                "Capture the exchange; check NAS retransmission settings and supplicant version.",
            ],
            windowsErrors: []),
        NPSReasonCode(
            300, "IAS_SEC_E_NO_CREDENTIALS", .certificate,
            summary: "The certificate is malformed and EAP could not find credential information in it.",
            causes: [
                "A certificate without the data NPS needs to find the account (SAN/UPN), or a broken encoding.",
            ],
            fixes: [
                "Inspect it (`certutil -dump`); issue a certificate with a proper SAN.",
            ],
            windowsErrors: [853]),
        NPSReasonCode(
            301, nil, .eap,
            summary: "PEAP: the client's crypto-binding TLV was invalid; NPS stopped the authentication.",
            causes: [
                "A supplicant bug in the compound MAC/key derivation ([MS-PEAP] 3.1.5.5).",
                "A real man-in-the-middle: the inner method ran through a different TLS tunnel.",
            ],
            fixes: [
                "Test the supplicant's crypto-binding against reference vectors; update it.",
                "If the supplicant is sound, investigate the network path.",
            ],
            windowsErrors: [845]),
        NPSReasonCode(
            302, nil, .eap,
            summary: "PEAP: the client sent no crypto-binding TLV and NPS requires one.",
            causes: [
                "The supplicant does not implement PEAP crypto-binding ([MS-PEAP] 2.2.8.4) and the policy has "
                    + "'Disconnect Clients without Cryptobinding' ticked.",
            ],
            fixes: [
                "Update the supplicant, or untick the option in the policy's PEAP settings "
                    + "(Constraints > Authentication Methods > PEAP > Edit).",
            ],
            windowsErrors: [845]),
    ]
}
