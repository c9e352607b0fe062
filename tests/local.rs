//! `--path` checkouts end to end (rows carry the platform of their format and the host, org and
//! repository of the git remote; Azure Pipelines files are found by shape; directories without
//! `.git` are read with a warning), and `--org` / `--repo` narrowing the demo, a snapshot and
//! `--path` alike.

use std::path::Path;

use crate::common::{devquery, stderr, stdout, test_snapshot};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// Runs `devquery query ARGS... --format csv -e SQL` in `dir` and returns its stdout.
fn csv(dir: &Path, args: &[&str], sql: &str) -> String {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv", "-e", sql]);
    let out = devquery(&all, dir);
    assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    stdout(&out)
}

const WORKFLOW: &str = "on: pull_request_target\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: tj-actions/changed-files@v45\n      - run: make\n";
const AZURE: &str = "trigger:\n- main\npool:\n  vmImage: ubuntu-latest\nsteps:\n- script: make\n";
const GITLAB: &str = "build:\n  image: alpine\n  script: make\n";
const ACTION: &str =
    "name: setup\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n";

#[test]
fn local_rows_carry_the_platform_of_their_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("acme");
    write(&src, "web/.git/HEAD", "ref: refs/heads/main\n");
    write(&src, "web/.github/workflows/ci.yml", WORKFLOW);
    write(&src, "ledger/.git/HEAD", "ref: refs/heads/main\n");
    write(&src, "ledger/azure-pipelines.yml", AZURE);
    write(&src, "gl/.git/HEAD", "ref: refs/heads/main\n");
    write(&src, "gl/.gitlab-ci.yml", GITLAB);
    write(&src, "tools/action.yml", ACTION);
    write(&src, "empty/.git/HEAD", "ref: refs/heads/main\n");
    let path = ["--path", "acme"];
    assert_eq!(
        csv(
            tmp.path(),
            &path,
            "select repo, platform, host, org from pipelines order by repo"
        ),
        "repo,platform,host,org\ngl,gitlab,local,acme\nledger,azure_devops,local,acme\ntools,github,local,acme\nweb,github,local,acme\n"
    );
    // Jobs and steps too; only a checkout without pipeline files or remote stays `local`.
    assert_eq!(
        csv(
            tmp.path(),
            &path,
            "select count(*) as n from (select platform from pipeline_jobs union all select platform from pipeline_steps) where platform = 'local'"
        ),
        "n\n0\n"
    );
    assert_eq!(
        csv(
            tmp.path(),
            &path,
            "select repo, platform from repositories order by repo, platform"
        ),
        "repo,platform\nempty,local\ngl,gitlab\nledger,azure_devops\ntools,github\nweb,github\n"
    );
    // The workflow rules now see the checkout's workflow.
    let out = devquery(
        &["report", "--path", "acme", "--format", "json"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    let unpinned = report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "wf-unpinned-action")
        .expect("wf-unpinned-action in the report");
    assert!(
        unpinned["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["status"] == "fail")),
        "{unpinned}"
    );
}

#[test]
fn git_remotes_name_the_host_org_and_repository_without_credentials() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    write(
        &src,
        "one/.git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://deploy:s3cr3t-token@github.com/Acme/API.git\n",
    );
    write(&src, "one/.github/workflows/ci.yml", WORKFLOW);
    write(
        &src,
        "two/.git/config",
        "[remote \"origin\"]\n\turl = git@ssh.dev.azure.com:v3/contoso/Fabrikam/ledger\n",
    );
    write(&src, "two/azure-pipelines.yml", AZURE);
    write(
        &src,
        "three/.git/config",
        "[remote \"upstream\"]\n\turl = https://gitlab.com/other/x.git\n[remote \"origin\"]\n\turl = git@gitlab.com:group/sub/tool.git\n",
    );
    write(&src, "three/.gitlab-ci.yml", GITLAB);
    write(
        &src,
        "four/.git/config",
        "[remote \"origin\"]\n\turl = https://contoso.visualstudio.com/DefaultCollection/Fabrikam/_git/ledger2\n",
    );
    let path = ["--path", "src"];
    assert_eq!(
        csv(
            tmp.path(),
            &path,
            "select platform, host, org, coalesce(project, '-') as project, repo from pipelines order by platform"
        ),
        "platform,host,org,project,repo\nazure_devops,dev.azure.com,contoso,Fabrikam,ledger\ngithub,github.com,Acme,-,API\ngitlab,gitlab.com,group/sub,-,tool\n"
    );
    // The remote's platform names the repository even without pipeline files.
    assert_eq!(
        csv(
            tmp.path(),
            &path,
            "select platform, host, org, repo, full_name from repositories order by repo"
        ),
        "platform,host,org,repo,full_name\ngithub,github.com,Acme,API,Acme/API\nazure_devops,dev.azure.com,contoso,ledger,Fabrikam/ledger\nazure_devops,dev.azure.com,contoso,ledger2,Fabrikam/ledger2\ngitlab,gitlab.com,group/sub,tool,group/sub/tool\n"
    );
    // No credential anywhere: query output, logs, or a written snapshot.
    for table in [
        "repositories",
        "pipelines",
        "collection_runs",
        "collection_errors",
    ] {
        let out = devquery(
            &[
                "query",
                "--path",
                "src",
                "-v",
                "--format",
                "json",
                "-e",
                &format!("select * from {table}"),
            ],
            tmp.path(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            !stdout(&out).contains("s3cr3t"),
            "{table}: {}",
            stdout(&out)
        );
        assert!(!stderr(&out).contains("s3cr3t"), "{}", stderr(&out));
    }
    let out = devquery(&["collect", "--path", "src", "--out", "snap"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    for entry in std::fs::read_dir(tmp.path().join("snap")).expect("snapshot") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        assert!(!bytes.windows(6).any(|w| w == b"s3cr3t"));
    }
}

#[test]
fn azure_pipelines_are_found_by_shape_and_other_yaml_is_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("shop");
    write(&repo, ".git/HEAD", "ref: refs/heads/main\n");
    write(&repo, "azure-pipelines/ci.yml", AZURE);
    // A BOM, then an Azure pipeline of jobs in a file named like anything.
    write(
        &repo,
        "build/npm-publish.yaml",
        "\u{feff}pr: none\njobs:\n- job: publish\n  steps:\n  - task: Npm@1\n",
    );
    write(
        &repo,
        "docker-compose.yml",
        "version: '3'\nservices:\n  web:\n    image: nginx\n",
    );
    write(
        &repo,
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec: {}\n",
    );
    write(
        &repo,
        "cloudbuild.yaml",
        "steps:\n- name: gcr.io/cloud-builders/docker\n  args: ['build', '.']\n",
    );
    write(
        &repo,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    write(
        &repo,
        "chart/values.yaml",
        "replicaCount: 1\nimage:\n  repository: nginx\n",
    );
    write(
        &repo,
        "ci/lint.yml",
        "stages:\n  - lint\nlint:\n  stage: lint\n  script: make lint\n",
    );
    write(
        &repo,
        ".github/workflows/nested/helper.yml",
        "steps:\n- script: x\n",
    );
    let path = ["--path", "shop"];
    assert_eq!(
        csv(
            tmp.path(),
            &path,
            "select path, platform, kind, parse_error is null as parsed from pipelines order by path"
        ),
        "path,platform,kind,parsed\nazure-pipelines/ci.yml,azure_devops,azure_yaml,true\nbuild/npm-publish.yaml,azure_devops,azure_yaml,true\n"
    );
}

#[test]
fn directories_without_git_are_read_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("dir");
    write(&dir, "withgit/.git/HEAD", "ref: refs/heads/main\n");
    write(&dir, "withgit/.github/workflows/ci.yml", WORKFLOW);
    write(&dir, "nogit/pipelines/build.yml", AZURE);
    write(&dir, "notes/readme.md", "hello\n");
    let out = devquery(
        &[
            "query",
            "--path",
            "dir",
            "--format",
            "csv",
            "-e",
            "select repo from repositories order by repo",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "repo\nnogit\nwithgit\n");
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l.contains(&*dir.join("nogit").to_string_lossy()) && l.contains("no .git")),
        "{err}"
    );
    assert!(!err.contains("withgit:"), "{err}");
    assert!(!err.contains("notes"), "{err}");

    // A directory with no marker and no checkout below it is one repository.
    let loose = tmp.path().join("loose");
    write(&loose, "pipelines/build.yml", AZURE);
    let out = devquery(
        &[
            "query",
            "--path",
            "loose",
            "--format",
            "csv",
            "-e",
            "select r.repo, p.path from repositories r join pipelines p on p.repo = r.repo",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "repo,path\nloose,pipelines/build.yml\n");
    let err = stderr(&out);
    assert!(
        err.contains(&*loose.to_string_lossy()) && err.contains("read as one repository"),
        "{err}"
    );
}

#[test]
fn repo_and_org_narrow_the_demo() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let first = csv(
        tmp.path(),
        &[],
        "select org, repo from repositories where repo is not null order by org, repo limit 1",
    );
    let line = first.lines().nth(1).expect("a demo repository");
    let (org, repo) = line.split_once(',').expect("org,repo");
    let full = format!("{org}/{repo}");
    let total = csv(tmp.path(), &[], "select count(*) as n from repositories");
    let narrowed = csv(
        tmp.path(),
        &["--repo", &full],
        "select org, repo from repositories group by 1, 2",
    );
    assert_eq!(narrowed, format!("org,repo\n{org},{repo}\n"));
    assert_ne!(total, "n\n1\n", "the demo has more than one repository");
    // Repository-level rows of other repositories are gone; org-level rows of its org stay.
    assert_eq!(
        csv(
            tmp.path(),
            &["--repo", &full],
            &format!(
                "select count(*) as n from pipelines where repo <> '{repo}' or org <> '{org}'"
            ),
        ),
        "n\n0\n"
    );
    assert_eq!(
        csv(
            tmp.path(),
            &["--repo", &full],
            "select distinct org from orgs"
        ),
        format!("org\n{org}\n")
    );
    // --org narrows every table to one organisation.
    let others = format!(
        "select count(*) as n from (select org from repositories union all select org from orgs union all select org from pipelines union all select org from secrets union all select org from members) where org <> '{org}'"
    );
    assert_eq!(csv(tmp.path(), &["--org", org], &others), "n\n0\n");
    let kept = csv(
        tmp.path(),
        &["--org", org],
        "select count(*) as n from repositories",
    );
    assert_ne!(kept, "n\n0\n");
    // The report honours the filter too.
    let out = devquery(&["report", "--repo", &full, "--format", "json"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
}

/// What a source holds, in one line per table: `repositories` (org/repo), `orgs`, and the
/// number of `secrets` and `members` rows.
fn summary(dir: &Path, args: &[&str]) -> String {
    let lines = |sql: &str| -> String {
        csv(dir, args, sql)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "repos: {}; orgs: {}; secrets: {}; members: {}",
        lines("select org || '/' || repo as r from repositories order by 1"),
        lines("select org from orgs order by 1"),
        lines("select count(*) as n from secrets"),
        lines("select count(*) as n from members"),
    )
}

#[test]
fn repo_and_org_narrow_a_snapshot() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = test_snapshot();
    let snap = snap.to_str().expect("utf-8 path");
    assert_eq!(
        summary(tmp.path(), &["--snapshot", snap]),
        "repos: acme/api acme/web contoso/ledger; orgs: acme contoso; secrets: 3; members: 2"
    );
    // `--repo api`: that repository, and the org-level rows of acme (its owner) only.
    assert_eq!(
        summary(tmp.path(), &["--snapshot", snap, "--repo", "api"]),
        "repos: acme/api; orgs: acme; secrets: 2; members: 2"
    );
    assert_eq!(
        summary(tmp.path(), &["--snapshot", snap, "--org", "CONTOSO"]),
        "repos: contoso/ledger; orgs: contoso; secrets: 1; members: 0"
    );
    assert_eq!(
        summary(
            tmp.path(),
            &["--snapshot", snap, "--repo", "contoso/*", "--repo", "w?b"]
        ),
        "repos: acme/web contoso/ledger; orgs: acme contoso; secrets: 3; members: 2"
    );
    assert_eq!(
        csv(
            tmp.path(),
            &["--snapshot", snap, "--repo", "api"],
            "select count(*) as n from pipelines where repo <> 'api'"
        ),
        "n\n0\n"
    );
}

#[test]
fn repo_and_org_narrow_path_and_collect() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("acme");
    for name in ["web", "api"] {
        write(&src, &format!("{name}/.git/HEAD"), "ref: refs/heads/main\n");
        write(&src, &format!("{name}/.github/workflows/ci.yml"), WORKFLOW);
    }
    assert_eq!(
        csv(
            tmp.path(),
            &["--path", "acme", "--repo", "web"],
            "select distinct repo from pipelines"
        ),
        "repo\nweb\n"
    );
    assert_eq!(
        csv(
            tmp.path(),
            &["--path", "acme", "--org", "other"],
            "select count(*) as n from pipelines"
        ),
        "n\n0\n"
    );
    let out = devquery(
        &[
            "collect", "--path", "acme", "--repo", "acme/api", "--out", "snap",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        csv(
            tmp.path(),
            &["--snapshot", "snap"],
            "select distinct repo from repositories union select distinct repo from pipelines"
        ),
        "repo\napi\n"
    );
}
