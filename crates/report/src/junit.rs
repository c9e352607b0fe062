//! JUnit XML: one `<testsuite>` per rule, one `<testcase>` per rule × resource (with `file` and
//! `line` attributes when the finding is in a file). Failing findings are `<failure>`s, unknown
//! and suppressed ones `<skipped>`, an errored rule one `<error>`, a rule that is not applicable
//! to the source one `<skipped>` test case with the reason. Over a partial source, a first
//! suite `devquery.collection` has one test case in error that says so.
//!
//! Written with `quick-junit`, whose model is the format's own structure (report, suites, test
//! cases, a case's status, properties): it keeps the `tests`, `failures`, `errors` and
//! `skipped` counts of every suite and of the report in step with the cases they hold, and its
//! writer (quick-xml) escapes every attribute and text and drops the characters XML 1.0
//! forbids.

use std::io::Write;
use std::time::Duration;

use devquery_rules::{Finding, RuleResult, Status};
use quick_junit::{
    NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString,
};

use crate::summary;
use crate::{Options, ReportError, RunReport};

/// Writes the JUnit XML.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    let mut xml = Report::new("devquery");
    xml.set_timestamp(report.run_at);
    if let Some(line) = summary::partial_line(report) {
        xml.add_test_suite(partial_suite(&line));
    }
    xml.add_test_suites(report.results.iter().map(suite));
    xml.serialize(out)
        .map_err(|e| ReportError::Io(std::io::Error::other(e)))
}

/// A test case of the suite `classname`.
fn test_case(classname: &str, name: impl Into<XmlString>, status: TestCaseStatus) -> TestCase {
    let mut test = TestCase::new(name, status);
    test.set_classname(classname);
    test
}

/// A `<skipped>` status with its message.
fn skipped(message: String) -> TestCaseStatus {
    let mut status = TestCaseStatus::skipped();
    status.set_message(message);
    status
}

/// Over a partial source, a first suite whose one case errors: the collection is incomplete.
fn partial_suite(line: &str) -> TestSuite {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_message(line);
    let mut suite = TestSuite::new("devquery.collection");
    suite.add_test_case(test_case(
        "devquery.collection",
        "the collection is complete",
        status,
    ));
    suite
}

/// One `<testsuite>` for a rule: its severity and title as properties, the case of the rule
/// itself when it has one, then a case per finding.
fn suite(r: &RuleResult) -> TestSuite {
    let mut suite = TestSuite::new(r.rule.id.as_str());
    suite.set_time(Duration::from_millis(r.elapsed_ms));
    suite.add_property(Property::new("severity", r.rule.severity.as_str()));
    suite.add_property(Property::new("title", r.rule.title.as_str()));
    if let Some(test) = rule_case(r) {
        suite.add_test_case(test);
    }
    suite.add_test_cases(r.findings.iter().map(|f| finding_case(r, f)));
    suite
}

/// The one test case for the whole rule, when it errored, is not applicable or matched nothing.
fn rule_case(r: &RuleResult) -> Option<TestCase> {
    let id = r.rule.id.as_str();
    if let Some(e) = &r.error {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(e.as_str()).set_type("rule-error");
        return Some(test_case(id, "(rule)", status));
    }
    if let Some(why) = &r.not_applicable {
        let status = skipped(format!("not applicable: {why}"));
        return Some(test_case(id, "(not applicable)", status));
    }
    r.findings
        .is_empty()
        .then(|| test_case(id, "(no matching resource)", TestCaseStatus::success()))
}

/// One `<testcase>` for a finding, with the `file` and `line` attributes of a finding in a file
/// (read by GitLab, Jenkins and most JUnit viewers).
fn finding_case(r: &RuleResult, f: &Finding) -> TestCase {
    let status = match f.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Fail => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(f.reason.as_str())
                .set_type(r.rule.severity.as_str())
                .set_description(failure_text(r, f));
            status
        }
        Status::Unknown => skipped(format!("unknown: {}", f.reason)),
        Status::Suppressed => {
            let reason = f.suppressed_by.as_ref().map_or("", |s| s.reason.as_str());
            skipped(format!("suppressed by baseline: {reason}"))
        }
    };
    let name = format!("{} {}", f.resource_type, f.resource);
    let mut test = test_case(&r.rule.id, name, status);
    if let Some(path) = &f.path {
        test.extra.insert("file".into(), path.as_str().into());
        if let Some(line) = f.line {
            test.extra.insert("line".into(), line.to_string().into());
        }
    }
    test
}

/// The body of a `<failure>`: title, location when the finding is in a file, remediation.
fn failure_text(r: &RuleResult, f: &Finding) -> String {
    let mut text = r.rule.title.clone();
    if f.path.is_some() {
        text.push_str("\nAt: ");
        text.push_str(&summary::location(f));
    }
    text.push_str("\nRemediation: ");
    text.push_str(&r.rule.remediation);
    text
}
