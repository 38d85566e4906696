// Jobs: what npsprobe does with a profile.
// - CasePreparation: settings → a prepared case (servers, secret, credentials and TLS contexts loaded once).
// - CaseRunner: one case, run over a transport, with its diagnosis and observation.
// - SuiteRunner: many cases (tags, parallelism, repeats) → [CaseResult] for the reporters.
