//! Web links for a finding, built from its join keys (platform, host, org, project, repo), its
//! `resource_type`, and its file and line: the repository's page, the settings page that fixes
//! the resource, and the file at the line, on GitHub, GitHub Enterprise Server and Azure DevOps
//! Services (`dev.azure.com`).
//!
//! A finding whose keys do not name such a place (a local checkout, a missing org, project or
//! repository, a host that is not a plain host name) has no link: a link is never guessed.
//! Every part taken from the data is percent-encoded as a path segment or query value.

use devquery_model::platform;
use devquery_rules::Finding;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters percent-encoded in one path segment: controls, space, and those that end or
/// change a segment (`/`, `?`, `#`, `%`) or that browsers and servers treat differently.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Characters percent-encoded in a query value: those of [`SEGMENT`] except `/` (kept for
/// readable file paths), plus the separators `&`, `=` and `+`.
const QUERY_VALUE: &AsciiSet = &SEGMENT.remove(b'/').add(b'&').add(b'=').add(b'+');

/// The host of Azure DevOps Services.
const AZURE_HOST: &str = "dev.azure.com";

/// The host recorded for the public GitHub API, whose web pages are on `github.com`.
const GITHUB_API_HOST: &str = "api.github.com";

/// A repository's page for a rule, chosen by the first word of this list in the rule's id
/// (rules that judge branch protection fix it under `settings/branches`, …); the general
/// settings when none is there. Earlier entries win (`admins-bypass` is about branches).
const REPOSITORY_PAGES: &[(&str, &str)] = &[
    ("alerts", "security"),
    ("security-policy", "security/policy"),
    ("secret-scanning", "settings/security_analysis"),
    ("push-protection", "settings/security_analysis"),
    ("dependabot", "settings/security_analysis"),
    ("code-scanning", "settings/security_analysis"),
    ("branch", "settings/branches"),
    ("review", "settings/branches"),
    ("codeowners", "settings/branches"),
    ("force-push", "settings/branches"),
    ("status-check", "settings/branches"),
    ("bypass", "settings/branches"),
    ("self-approval", "settings/branches"),
    ("self-hosted", "settings/actions/runners"),
    ("actions", "settings/actions"),
    ("token", "settings/actions"),
    ("collaborator", "settings/access"),
    ("admins", "settings/access"),
];

/// An organisation's settings page for a rule, chosen as [`REPOSITORY_PAGES`]; the profile
/// page (the first of the settings) when no word matches.
const ORG_PAGES: &[(&str, &str)] = &[
    ("2fa", "security"),
    ("base-permission", "member_privileges"),
    ("forking", "member_privileges"),
    ("repo-creation", "member_privileges"),
    ("security-defaults", "security_analysis"),
    ("domain", "domains"),
    ("actions", "actions"),
    ("token", "actions"),
    ("sha-pinning", "actions"),
];

/// Where a finding lives on the web.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site<'a> {
    /// GitHub or GitHub Enterprise Server, at `https://{host}`.
    GitHub { host: &'a str, org: &'a str },
    /// Azure DevOps Services, at `https://dev.azure.com/{org}`.
    Azure { org: &'a str },
}

/// The web page of the finding's repository: `https://{host}/{org}/{repo}` on GitHub,
/// `https://dev.azure.com/{org}/{project}/_git/{repo}` on Azure DevOps.
pub fn repository(f: &Finding) -> Option<String> {
    let repo = segment(f.repo.as_deref())?;
    match site(f)? {
        Site::GitHub { host, org } => Some(format!("https://{host}/{}/{repo}", encode(org))),
        Site::Azure { org } => {
            let project = segment(f.project.as_deref())?;
            Some(format!(
                "https://{AZURE_HOST}/{}/{project}/_git/{repo}",
                encode(org)
            ))
        }
    }
}

/// The file of the finding at its line: `{repository}/blob/HEAD/{path}#L{line}` on GitHub,
/// `{repository}?path=/{path}&line={line}` on Azure DevOps.
///
/// The link opens the file on the default branch as it is now (GitHub's `HEAD`, Azure's default
/// version): findings do not record the commit that was collected, so the line may have moved
/// since the collection.
pub fn file(f: &Finding) -> Option<String> {
    let path = f.path.as_deref().map(|p| p.trim_start_matches('/'))?;
    if path.is_empty() {
        return None;
    }
    let repository = repository(f)?;
    let url = match site(f)? {
        Site::GitHub { .. } => {
            let base = format!("{repository}/blob/HEAD/{}", encode_path(path));
            match f.line {
                Some(line) => format!("{base}#L{line}"),
                None => base,
            }
        }
        Site::Azure { .. } => {
            let base = format!(
                "{repository}?path=/{}",
                utf8_percent_encode(path, QUERY_VALUE)
            );
            match f.line {
                Some(line) => format!("{base}&line={line}"),
                None => base,
            }
        }
    };
    Some(url)
}

/// The settings page that fixes the finding's resource, chosen by its `resource_type` (and, for
/// repositories and organisations, by the words of `rule_id`, see [`REPOSITORY_PAGES`]); `None`
/// for resources fixed in a file (workflows, pipelines, jobs, steps) or that have no such page.
pub fn settings(f: &Finding, rule_id: &str) -> Option<String> {
    match site(f)? {
        Site::GitHub { host, org } => github_settings(f, host, org, rule_id),
        Site::Azure { org } => azure_settings(f, org),
    }
}

/// The reference itself when it is a web address (`https://…` or `http://…`, no spaces).
pub fn web_address(reference: &str) -> Option<&str> {
    let r = reference.trim();
    let rest = r
        .strip_prefix("https://")
        .or_else(|| r.strip_prefix("http://"))?;
    (!rest.is_empty() && !r.contains(char::is_whitespace)).then_some(r)
}

fn github_settings(f: &Finding, host: &str, org: &str, rule_id: &str) -> Option<String> {
    let org_page = |page: &str| {
        format!(
            "https://{host}/organizations/{}/settings/{page}",
            encode(org)
        )
    };
    let repository = repository(f);
    let repo_page = |page: &str| repository.as_ref().map(|r| format!("{r}/{page}"));
    let repo_or_org =
        |page: &str| repo_page(&format!("settings/{page}")).or_else(|| Some(org_page(page)));
    match f.resource_type.as_str() {
        "repository" => repo_page(page_for(rule_id, REPOSITORY_PAGES).unwrap_or("settings")),
        "branch" | "branch_protection" => repo_page("settings/branches"),
        "ruleset" => repo_page("settings/rules"),
        "deploy_key" => repo_page("settings/keys"),
        "access_grant" => repo_page("settings/access"),
        "environment" => repo_page("settings/environments"),
        "webhook" => repo_or_org("hooks"),
        "secret" => repo_or_org("secrets/actions"),
        "variable" => repo_or_org("variables/actions"),
        "org" => Some(org_page(page_for(rule_id, ORG_PAGES).unwrap_or("profile"))),
        "integration" => Some(org_page("installations")),
        "runner_group" => Some(org_page("actions/runner-groups")),
        "member" => Some(format!("https://{host}/orgs/{}/people", encode(org))),
        _ => None,
    }
}

fn azure_settings(f: &Finding, org: &str) -> Option<String> {
    let org_url = format!("https://{AZURE_HOST}/{}", encode(org));
    if f.resource_type == "org" {
        return Some(format!("{org_url}/_settings/"));
    }
    let page = match f.resource_type.as_str() {
        "project" => "_settings/",
        "repository" => "_settings/repositories",
        "agent_queue" => "_settings/agentqueues",
        "service_connection" => "_settings/adminservices",
        "variable_group" | "secure_file" | "secret" => "_library",
        _ => return None,
    };
    let project = segment(f.project.as_deref())?;
    Some(format!("{org_url}/{project}/{page}"))
}

/// The page of the first word of `pages` found in `rule_id`.
fn page_for(rule_id: &str, pages: &[(&str, &'static str)]) -> Option<&'static str> {
    pages
        .iter()
        .find(|(word, _)| rule_id.contains(*word))
        .map(|(_, page)| *page)
}

/// The site of the finding, when its platform, host and org name one.
fn site(f: &Finding) -> Option<Site<'_>> {
    let host = f.host.as_deref()?.trim();
    let org = f.org.as_deref().filter(|o| !o.trim().is_empty())?;
    let kind = f
        .platform
        .as_deref()
        .unwrap_or_else(|| platform_of_host(host));
    match kind {
        platform::GITHUB => github_host(host).map(|host| Site::GitHub { host, org }),
        platform::AZURE_DEVOPS if host.eq_ignore_ascii_case(AZURE_HOST) => {
            Some(Site::Azure { org })
        }
        _ => None,
    }
}

/// The platform of a finding that did not say it, when its host is a well-known one.
fn platform_of_host(host: &str) -> &'static str {
    if host.eq_ignore_ascii_case("github.com") || host.eq_ignore_ascii_case(GITHUB_API_HOST) {
        platform::GITHUB
    } else if host.eq_ignore_ascii_case(AZURE_HOST) {
        platform::AZURE_DEVOPS
    } else {
        ""
    }
}

/// The web host of a GitHub API host: `github.com` for `api.github.com`, else the host itself
/// (GitHub Enterprise Server); `None` for `local` and anything that is not a host name.
fn github_host(host: &str) -> Option<&str> {
    if host.eq_ignore_ascii_case(GITHUB_API_HOST) {
        return Some("github.com");
    }
    (host != platform::LOCAL && is_host(host)).then_some(host)
}

/// A host name or address with an optional port: dot-separated labels of letters, digits and
/// `-` (not leading), then `:digits`. Nothing else from the data goes before the first `/`.
fn is_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let port_ok = |p: &str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    name.len() <= 253 && name.split('.').all(label_ok) && port.is_none_or(port_ok)
}

/// A non-empty key as one encoded path segment.
fn segment(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).map(encode)
}

/// One path segment, percent-encoded; `.` and `..` are encoded too, so that a browser does
/// not resolve them into another page.
fn encode(segment: &str) -> String {
    match segment {
        "." => "%2E".to_string(),
        ".." => "%2E%2E".to_string(),
        s => utf8_percent_encode(s, SEGMENT).to_string(),
    }
}

/// A file path, each of its segments encoded.
fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use devquery_rules::Status;

    use super::*;

    fn finding(
        platform: Option<&str>,
        host: Option<&str>,
        org: Option<&str>,
        project: Option<&str>,
        repo: Option<&str>,
    ) -> Finding {
        Finding {
            status: Status::Fail,
            resource_type: "repository".into(),
            resource: "r".into(),
            reason: "why".into(),
            platform: platform.map(str::to_string),
            host: host.map(str::to_string),
            org: org.map(str::to_string),
            project: project.map(str::to_string),
            repo: repo.map(str::to_string),
            owner: None,
            path: None,
            line: None,
            column: None,
            suppressed_by: None,
        }
    }

    fn github(repo: Option<&str>) -> Finding {
        finding(Some("github"), Some("github.com"), Some("acme"), None, repo)
    }

    fn azure(project: Option<&str>, repo: Option<&str>) -> Finding {
        finding(
            Some("azure_devops"),
            Some("dev.azure.com"),
            Some("fabrikam"),
            project,
            repo,
        )
    }

    fn with_file(mut f: Finding, path: &str, line: Option<u64>) -> Finding {
        f.path = Some(path.into());
        f.line = line;
        f
    }

    fn typed(mut f: Finding, resource_type: &str) -> Finding {
        f.resource_type = resource_type.into();
        f
    }

    #[test]
    fn github_repositories_and_enterprise_server() {
        assert_eq!(
            repository(&github(Some("web"))).as_deref(),
            Some("https://github.com/acme/web")
        );
        let api = finding(
            Some("github"),
            Some("api.github.com"),
            Some("acme"),
            None,
            Some("web"),
        );
        assert_eq!(
            repository(&api).as_deref(),
            Some("https://github.com/acme/web")
        );
        let ghes = finding(
            Some("github"),
            Some("ghe.example.com:8443"),
            Some("acme"),
            None,
            Some("web"),
        );
        assert_eq!(
            repository(&ghes).as_deref(),
            Some("https://ghe.example.com:8443/acme/web")
        );
        // the platform may be missing when the host says it
        let bare = finding(None, Some("github.com"), Some("acme"), None, Some("web"));
        assert_eq!(
            repository(&bare).as_deref(),
            Some("https://github.com/acme/web")
        );
    }

    #[test]
    fn azure_repositories_need_the_project() {
        assert_eq!(
            repository(&azure(Some("legacy"), Some("monolith"))).as_deref(),
            Some("https://dev.azure.com/fabrikam/legacy/_git/monolith")
        );
        assert_eq!(repository(&azure(None, Some("monolith"))), None);
        assert_eq!(
            repository(&azure(Some("Fabrikam Fiber"), Some("web app"))).as_deref(),
            Some("https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/web%20app")
        );
        // Azure DevOps Server (another host) is not guessed
        let server = finding(
            Some("azure_devops"),
            Some("tfs.example.com"),
            Some("DefaultCollection"),
            Some("p"),
            Some("r"),
        );
        assert_eq!(repository(&server), None);
    }

    #[test]
    fn no_link_without_a_place() {
        let local = finding(
            Some("local"),
            Some("local"),
            Some("me"),
            None,
            Some("checkout"),
        );
        assert_eq!(repository(&local), None);
        let local_host = finding(Some("github"), Some("local"), Some("me"), None, Some("x"));
        assert_eq!(repository(&local_host), None);
        assert_eq!(repository(&github(None)), None);
        assert_eq!(
            repository(&finding(
                Some("github"),
                None,
                Some("acme"),
                None,
                Some("w")
            )),
            None
        );
        assert_eq!(
            repository(&finding(
                Some("github"),
                Some("github.com"),
                None,
                None,
                Some("w")
            )),
            None
        );
        assert_eq!(repository(&github(Some(" "))), None);
        assert_eq!(
            repository(&finding(
                Some("gitlab"),
                Some("gitlab.com"),
                Some("a"),
                None,
                Some("b")
            )),
            None
        );
        for hostile in [
            "evil.com/x?",
            "a b",
            "user@host",
            "-x.com",
            "host:port",
            "",
            "a..b",
        ] {
            let f = finding(
                Some("github"),
                Some(hostile),
                Some("acme"),
                None,
                Some("web"),
            );
            assert_eq!(repository(&f), None, "{hostile}");
            assert_eq!(settings(&typed(f, "org"), "x"), None, "{hostile}");
        }
    }

    #[test]
    fn segments_are_percent_encoded() {
        let f = finding(
            Some("github"),
            Some("github.com"),
            Some("a/b"),
            None,
            Some("x?y#z %"),
        );
        assert_eq!(
            repository(&f).as_deref(),
            Some("https://github.com/a%2Fb/x%3Fy%23z%20%25")
        );
        let dots = finding(
            Some("github"),
            Some("github.com"),
            Some(".."),
            None,
            Some("."),
        );
        assert_eq!(
            repository(&dots).as_deref(),
            Some("https://github.com/%2E%2E/%2E")
        );
    }

    #[test]
    fn files_at_their_line() {
        let f = with_file(github(Some("api")), ".github/workflows/ci.yml", Some(12));
        assert_eq!(
            file(&f).as_deref(),
            Some("https://github.com/acme/api/blob/HEAD/.github/workflows/ci.yml#L12")
        );
        let no_line = with_file(github(Some("api")), "/dir with space/a#b.yml", None);
        assert_eq!(
            file(&no_line).as_deref(),
            Some("https://github.com/acme/api/blob/HEAD/dir%20with%20space/a%23b.yml")
        );
        let escape = with_file(github(Some("api")), "../../../evil", Some(1));
        assert_eq!(
            file(&escape).as_deref(),
            Some("https://github.com/acme/api/blob/HEAD/%2E%2E/%2E%2E/%2E%2E/evil#L1")
        );
        let ado = with_file(
            azure(Some("legacy"), Some("monolith")),
            "ci/azure pipelines&x=1.yml",
            Some(2),
        );
        assert_eq!(
            file(&ado).as_deref(),
            Some(
                "https://dev.azure.com/fabrikam/legacy/_git/monolith?path=/ci/azure%20pipelines%26x%3D1.yml&line=2"
            )
        );
        assert_eq!(file(&github(Some("api"))), None, "no path, no file link");
        assert_eq!(
            file(&with_file(github(None), "a.yml", Some(1))),
            None,
            "no repository"
        );
    }

    #[test]
    fn github_settings_by_resource_type_and_rule() {
        let repo = github(Some("web"));
        let s = |f: &Finding, rule: &str| settings(f, rule);
        assert_eq!(
            s(&repo, "repo-inactive").as_deref(),
            Some("https://github.com/acme/web/settings")
        );
        assert_eq!(
            s(&repo, "repo-default-branch-unprotected").as_deref(),
            Some("https://github.com/acme/web/settings/branches")
        );
        assert_eq!(
            s(&repo, "repo-admins-bypass").as_deref(),
            Some("https://github.com/acme/web/settings/branches")
        );
        assert_eq!(
            s(&repo, "repo-too-many-admins").as_deref(),
            Some("https://github.com/acme/web/settings/access")
        );
        assert_eq!(
            s(&repo, "gh-actions-approve-prs").as_deref(),
            Some("https://github.com/acme/web/settings/actions")
        );
        assert_eq!(
            s(&repo, "repo-secret-scanning-disabled").as_deref(),
            Some("https://github.com/acme/web/settings/security_analysis")
        );
        assert_eq!(
            s(&repo, "repo-open-secret-alerts").as_deref(),
            Some("https://github.com/acme/web/security")
        );
        assert_eq!(
            s(&typed(github(Some("web")), "ruleset"), "r").as_deref(),
            Some("https://github.com/acme/web/settings/rules")
        );
        assert_eq!(
            s(&typed(github(Some("web")), "deploy_key"), "r").as_deref(),
            Some("https://github.com/acme/web/settings/keys")
        );
        assert_eq!(
            s(&typed(github(Some("web")), "secret"), "r").as_deref(),
            Some("https://github.com/acme/web/settings/secrets/actions")
        );
        assert_eq!(
            s(&typed(github(None), "secret"), "r").as_deref(),
            Some("https://github.com/organizations/acme/settings/secrets/actions")
        );
        assert_eq!(
            s(&typed(github(None), "org"), "gh-org-2fa-required").as_deref(),
            Some("https://github.com/organizations/acme/settings/security")
        );
        assert_eq!(
            s(&typed(github(None), "org"), "gh-org-admin-count").as_deref(),
            Some("https://github.com/organizations/acme/settings/profile")
        );
        assert_eq!(
            s(&typed(github(None), "runner_group"), "r").as_deref(),
            Some("https://github.com/organizations/acme/settings/actions/runner-groups")
        );
        assert_eq!(
            s(&typed(github(None), "member"), "r").as_deref(),
            Some("https://github.com/orgs/acme/people")
        );
        assert_eq!(
            s(&typed(github(None), "repository"), "r"),
            None,
            "no repo, no page"
        );
        for in_a_file in ["workflow", "job", "step", "pipeline"] {
            assert_eq!(
                s(&typed(github(Some("web")), in_a_file), "r"),
                None,
                "{in_a_file}"
            );
        }
    }

    #[test]
    fn azure_settings_pages() {
        let s = |t: &str| settings(&typed(azure(Some("legacy"), Some("monolith")), t), "r");
        assert_eq!(
            s("repository").as_deref(),
            Some("https://dev.azure.com/fabrikam/legacy/_settings/repositories")
        );
        assert_eq!(
            s("agent_queue").as_deref(),
            Some("https://dev.azure.com/fabrikam/legacy/_settings/agentqueues")
        );
        assert_eq!(
            s("service_connection").as_deref(),
            Some("https://dev.azure.com/fabrikam/legacy/_settings/adminservices")
        );
        assert_eq!(
            s("variable_group").as_deref(),
            Some("https://dev.azure.com/fabrikam/legacy/_library")
        );
        assert_eq!(
            s("project").as_deref(),
            Some("https://dev.azure.com/fabrikam/legacy/_settings/")
        );
        assert_eq!(s("pipeline"), None);
        assert_eq!(
            settings(&typed(azure(None, None), "project"), "r"),
            None,
            "no project, no project page"
        );
        assert_eq!(
            settings(&typed(azure(None, None), "org"), "r").as_deref(),
            Some("https://dev.azure.com/fabrikam/_settings/")
        );
    }

    #[test]
    fn web_addresses() {
        assert_eq!(
            web_address(" https://docs.github.com/x "),
            Some("https://docs.github.com/x")
        );
        assert_eq!(web_address("http://a.example"), Some("http://a.example"));
        assert_eq!(web_address("CIS SSCS 2.2.3"), None);
        assert_eq!(web_address("https://"), None);
        assert_eq!(web_address("javascript:alert(1)"), None);
        assert_eq!(web_address("https://a b"), None);
    }
}
