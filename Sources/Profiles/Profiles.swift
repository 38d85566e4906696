// Profiles: YAML profiles and suites — the model, loading with `${VAR}` substitution, validation with
// file:line:column, and the expectations a run is judged by. Running cases is the Jobs target's; printing
// results is the Reports target's.
//
//   let document = try ProfileLoader.load(path: "Profiles/post-change-suite.yaml")   // [CaseDefinition]
//   let issues = ProfileValidator(dictionary: dictionary, mode: .run).validate(document.cases)
//   // Jobs: CasePreparation → CaseRunner / SuiteRunner → [CaseResult]
//   // Reports: HumanReport.render(results, colour:), JUnit, TAP, JSON, Prometheus, Nagios
//
// `AuthSettings` is also what `auth` options produce: `options.merged(over: profileSettings)`.
// Reference of every key: Profiles/reference.yaml.
