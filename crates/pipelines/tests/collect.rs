//! The `--path` source over a temporary directory of fake checkouts.

use devquery_pipelines::{Error, collect_paths};

use crate::common::{column, write};

/// Non-NULL text values.
fn texts(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|s| Some((*s).to_string())).collect()
}

#[test]
fn collects_a_directory_of_checkouts() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("acme");
    // Repository A: git checkout with GitHub workflows, security files and an Azure pipeline.
    let a = org.join("alpha");
    write(&a, ".git/HEAD", b"ref: refs/heads/trunk\n");
    write(&a, ".git/config", b"[core]\n");
    write(
        &a,
        ".github/workflows/ci.yml",
        b"on: pull_request_target\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.ref }}\n",
    );
    write(&a, ".github/CODEOWNERS", b"* @acme/team\n");
    write(&a, "SECURITY.md", b"mail us\n");
    write(&a, ".github/dependabot.yml", b"version: 2\n");
    write(
        &a,
        "node_modules/pkg/.github/workflows/ignored.yml",
        b"on: push\njobs: {}\n",
    );
    write(
        &a,
        "target/.github/workflows/ignored.yml",
        b"on: push\njobs: {}\n",
    );
    write(
        &a,
        "azure-pipelines.yml",
        b"trigger: [main]\nsteps:\n  - template: build/steps.yml\n  - template: build/missing.yml\n  - template: remote.yml@other\n",
    );
    write(
        &a,
        "build/steps.yml",
        b"steps:\n  - script: echo $(Build.SourceBranch)\n  - template: ../build/nested.yml\n",
    );
    write(&a, "build/nested.yml", b"steps:\n  - bash: echo nested\n");
    // Repository B: GitLab, no git metadata, a non-UTF-8 action file.
    let b = org.join("beta");
    write(
        &b,
        ".gitlab-ci.yml",
        b"job:\n  tags: [shell]\n  script: make\n",
    );
    write(&b, "tools/action.yml", &[0xff, 0xfe, 0x00, 0x41]);
    // Not a checkout: ignored when scanning children.
    write(&org, "notes/readme.txt", b"hi");

    let ds = collect_paths(std::slice::from_ref(&org)).unwrap();
    // One row per platform present in a checkout: alpha has GitHub and Azure files, beta a
    // GitLab file and a GitHub action (unreadable, but there).
    assert_eq!(ds.row_count("repositories"), 4);
    assert_eq!(
        column(&ds, "repositories", "repo"),
        texts(&["alpha", "alpha", "beta", "beta"])
    );
    assert_eq!(
        column(&ds, "repositories", "platform"),
        texts(&["azure_devops", "github", "github", "gitlab"])
    );
    assert_eq!(
        column(&ds, "repositories", "org"),
        texts(&["acme", "acme", "acme", "acme"])
    );
    assert_eq!(
        column(&ds, "repositories", "host"),
        texts(&["local", "local", "local", "local"])
    );
    assert_eq!(
        column(&ds, "repositories", "default_branch"),
        vec![Some("trunk".into()), Some("trunk".into()), None, None]
    );
    assert_eq!(
        column(&ds, "repositories", "has_codeowners"),
        texts(&["true", "true", "false", "false"])
    );
    assert_eq!(
        column(&ds, "repositories", "has_security_policy"),
        texts(&["true", "true", "false", "false"])
    );
    assert_eq!(
        column(&ds, "repositories", "has_dependabot_config"),
        texts(&["true", "true", "false", "false"])
    );
    assert_eq!(
        column(&ds, "repositories", "url")[0].as_deref(),
        Some(a.to_str().unwrap())
    );

    // Pipeline rows carry the platform of their format.
    let platforms: std::collections::BTreeMap<String, String> = column(&ds, "pipelines", "path")
        .into_iter()
        .zip(column(&ds, "pipelines", "platform"))
        .map(|(p, k)| (p.unwrap(), k.unwrap()))
        .collect();
    assert_eq!(platforms[".github/workflows/ci.yml"], "github");
    assert_eq!(platforms[".gitlab-ci.yml"], "gitlab");
    assert_eq!(platforms["azure-pipelines.yml"], "azure_devops");
    assert_eq!(platforms["build/steps.yml"], "azure_devops");
    assert!(!column(&ds, "pipeline_steps", "platform").contains(&Some("local".into())));
    // Referenced files are templates: no triggers of their own.
    let triggers: std::collections::BTreeMap<String, Option<String>> =
        column(&ds, "pipelines", "path")
            .into_iter()
            .zip(column(&ds, "pipelines", "triggers"))
            .map(|(p, t)| (p.unwrap(), t))
            .collect();
    assert_eq!(triggers["build/steps.yml"], None);
    assert_eq!(triggers["build/nested.yml"], None);

    let mut paths: Vec<String> = column(&ds, "pipelines", "path")
        .into_iter()
        .flatten()
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "azure-pipelines.yml",
            "build/missing.yml",
            "build/nested.yml",
            "build/steps.yml",
            "tools/action.yml",
        ]
    );
    let errors: Vec<(String, Option<String>)> = column(&ds, "pipelines", "path")
        .into_iter()
        .zip(column(&ds, "pipelines", "parse_error"))
        .map(|(p, e)| (p.unwrap(), e))
        .filter(|(_, e)| e.is_some())
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].0, "build/missing.yml");
    assert!(
        errors[0]
            .1
            .as_deref()
            .unwrap()
            .contains("template not found")
    );
    // The non-UTF-8 action has its row, saying why it was not read.
    assert_eq!(errors[1].0, "tools/action.yml");
    assert_eq!(
        errors[1].1.as_deref(),
        Some("not read: file is not UTF-8 text")
    );

    // The checkout of the PR head is found in the walked workflow.
    let heads = column(&ds, "pipeline_steps", "checkout_pr_head");
    assert!(heads.contains(&Some("true".into())));
    let untrusted = column(&ds, "pipeline_steps", "untrusted_inputs");
    assert!(
        untrusted
            .iter()
            .flatten()
            .any(|u| u.contains("Build.SourceBranch")),
        "{untrusted:?}"
    );
    assert!(column(&ds, "pipeline_jobs", "self_hosted").contains(&Some("true".into())));

    // The non-UTF-8 action is also a collection error, not an abort.
    assert_eq!(ds.row_count("collection_errors"), 1);
    assert_eq!(
        column(&ds, "collection_errors", "endpoint"),
        vec![Some("tools/action.yml".into())]
    );
    assert_eq!(ds.row_count("collection_runs"), 1);
    assert_eq!(
        column(&ds, "collection_runs", "errors"),
        vec![Some("1".into())]
    );

    // A checkout given directly: org is its parent directory.
    let ds = collect_paths(std::slice::from_ref(&b)).unwrap();
    assert_eq!(
        column(&ds, "repositories", "repo"),
        texts(&["beta", "beta"])
    );
    assert_eq!(column(&ds, "pipeline_jobs", "runs_on").len(), 1);
}

#[test]
fn missing_path_is_an_error_naming_it() {
    let err = collect_paths(&["/no/such/dir/devquery".into()]).unwrap_err();
    assert!(matches!(err, Error::PathNotFound { .. }));
    assert!(err.to_string().contains("/no/such/dir/devquery"), "{err}");
}
