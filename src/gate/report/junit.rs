//! The report as JUnit XML, for CI systems (GitHub, GitLab, Jenkins).
//!
//! One test case per failing group, not one per code: a CI page with 20,000 red lines
//! helps nobody. Each checked field that never failed is a passing test case, which says
//! how many answers were judged and how many were implementation-defined (accepted, not
//! judged). Every text comes from [`Report::summary`], so it holds no character XML 1.0
//! forbids, whatever the decoder sent.

use std::time::Duration;

use quick_junit::{
    NonSuccessKind, Report as JunitReport, SerializeError, TestCase, TestCaseStatus, TestSuite,
};

use super::Report;
use crate::escape::{Lines, untrusted};

impl Report {
    /// The report as a JUnit XML document.
    pub fn junit(&self) -> Result<String, SerializeError> {
        let s = self.summary();
        let profile = untrusted(&self.profile, Lines::Escape);
        let mut suite = TestSuite::new(format!("amperr check, profile {profile}"));
        // `from_json` refuses a time out of range; a report made in code is not checked.
        let time = Duration::try_from_secs_f64(self.seconds.max(0.0)).unwrap_or(Duration::MAX);
        suite.set_time(time);
        for (field, judged) in &s.passing_fields {
            let mut case = TestCase::new(format!("field {field}"), TestCaseStatus::success());
            case.set_classname("amperr.fields");
            case.set_system_out(judged.clone());
            suite.add_test_case(case);
        }
        for group in &s.groups {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(format!("{}: {}", group.count, group.example));
            let mut description = group.example.clone();
            if let Some(reproduce) = &group.reproduce {
                description.push_str(&format!("\nreproduce: {reproduce}"));
            }
            status.set_description(description);
            let mut case = TestCase::new(group.title.clone(), status);
            case.set_classname("amperr.groups");
            suite.add_test_case(case);
        }
        for problem in &s.problems {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(problem.clone());
            let mut case = TestCase::new(s.run.clone(), status);
            case.set_classname("amperr.run");
            suite.add_test_case(case);
        }
        if let Some(stderr) = &s.stderr {
            suite.set_system_err(stderr.clone());
        }
        let mut report = JunitReport::new("amperr");
        report.add_test_suite(suite);
        report.to_string()
    }
}
