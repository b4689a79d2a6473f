//! The report as JUnit XML, for CI systems (GitHub, GitLab, Jenkins).
//!
//! One test case per failing group, not one per code: a CI page with 20,000 red lines
//! helps nobody. A conformant run is one passing test case per checked field.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::{Report, count};

impl Report {
    /// The report as a JUnit XML document.
    pub fn junit(&self) -> String {
        let mut suite = TestSuite::new(format!("amperr check, profile {}", self.profile));
        suite.set_time(Duration::from_secs_f64(self.seconds.max(0.0)));
        for field in self.fields.iter().filter(|f| f.checked && f.failed == 0) {
            let mut case =
                TestCase::new(format!("field {}", field.field), TestCaseStatus::success());
            case.set_classname("amperr.fields");
            case.set_system_out(format!("{} answers, all as expected", field.sent));
            suite.add_test_case(case);
        }
        for group in &self.groups {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let e = &group.example;
            let example = format!("{}: {}", e.id, e.outcome());
            status.set_message(format!("{}: {}", count(group.count, "case"), example));
            status.set_description(format!("{}\nreproduce: {}", example, e.reproduce));
            let mut case = TestCase::new(group.summary.clone(), status);
            case.set_classname("amperr.groups");
            suite.add_test_case(case);
        }
        for problem in &self.run_problems {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(problem.clone());
            let mut case = TestCase::new("the decoder's run", status);
            case.set_classname("amperr.run");
            suite.add_test_case(case);
        }
        if !self.stderr.is_empty() {
            suite.set_system_err(self.stderr.clone());
        }
        let mut report = JunitReport::new("amperr");
        report.add_test_suite(suite);
        // Building XML in memory cannot fail; an empty document would fail CI loudly.
        report.to_string().unwrap_or_default()
    }
}
