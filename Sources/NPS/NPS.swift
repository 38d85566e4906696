// NPS knowledge, read-only and I/O-free except for reading log files:
// - Knowledge/: the catalogues (NPSReasonCode, WindowsError, MSCHAPError) as data tables, and NPSKnowledge
//   (look-ups, `explain`, the free-text `resolve`) producing `Explanation`s.
// - Logs/: NPSLogParser (DTS XML, IAS and ODBC lines, streaming), NPSLogFileReader, NPSLogSummarizer /
//   NPSLogSummary (bounded counters, request/response pairing) and NPSLogAnalyzer (one-call entry points).
