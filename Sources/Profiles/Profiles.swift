// Profiles: YAML profiles and suites, their validation, the judgement of a run, and the reports.
//
//   let document = try ProfileLoader.load(path: "Profiles/post-change-suite.yaml")   // [CaseDefinition]
//   let issues = ProfileValidator(dictionary: dictionary, mode: .run).validate(document.cases)
//   // … run each case (the Probe target), fill a CaseObservation from its report and diagnosis …
//   let result = CaseResult(case: definition, observation: observation, diagnosis: text, duration: seconds)
//   print(HumanReport.render(results, colour: isTerminal))        // also JUnit, TAP, JSON, Prometheus, Nagios
//
// `AuthSettings` is also what `auth` options produce: `options.merged(over: profileSettings)`.
// Reference of every key: Profiles/reference.yaml.
