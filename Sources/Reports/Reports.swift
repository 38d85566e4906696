// Reports: every output npsprobe writes — `auth` text and `--json` (AuthText, AuthJSON), `load` (LoadReport),
// suite reports (HumanReport, JUnitReport, TAPReport, JSONReport, PrometheusReport, NagiosCheck), and the
// shared JSON style (JSONStyle, JSONOutput). Reports read results and evidence; they never run anything.
