//! Which parser a file needs: detection from the path (`.github/workflows/*.yml`,
//! `action.yml`, `azure-pipelines.yml`, `.gitlab-ci.yml`, ...) and, for a generic `*.yml`, from
//! its content and the platform it came from.

use yaml_serde::Value;

use crate::yaml;

/// The values of `pipelines.kind`.
pub mod kinds {
    /// A GitHub Actions workflow.
    pub const GITHUB_WORKFLOW: &str = "github_workflow";
    /// A GitHub action definition (`action.yml`).
    pub const GITHUB_ACTION: &str = "github_action";
    /// An Azure Pipelines YAML definition or template.
    pub const AZURE_YAML: &str = "azure_yaml";
    /// A GitLab CI configuration.
    pub const GITLAB_CI: &str = "gitlab_ci";
}

fn is_yaml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// The kind of pipeline file a path names, from the path alone: GitHub workflows directly in
/// `.github/workflows/`, `action.yml|yaml` anywhere, `.gitlab-ci.yml` (and `*.gitlab-ci.yml`),
/// and Azure Pipelines files (`azure-pipelines*.yml`, `.azure-pipelines*.yml`, anything in an
/// `.azure-pipelines/` or `.azuredevops/` directory, legacy `.vsts-*.yml`). `None` for other
/// files, whose kind [`crate::parse_file`] decides from the content.
pub fn detect_kind(path: &str) -> Option<&'static str> {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let name = parts.pop()?;
    if !is_yaml(name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let parent = parts.last().map(|p| p.to_ascii_lowercase());
    let grandparent = parts
        .len()
        .checked_sub(2)
        .and_then(|i| parts.get(i))
        .map(|p| p.to_ascii_lowercase());
    if parent.as_deref() == Some("workflows") && grandparent.as_deref() == Some(".github") {
        return Some(kinds::GITHUB_WORKFLOW);
    }
    if lower == "action.yml" || lower == "action.yaml" {
        return Some(kinds::GITHUB_ACTION);
    }
    if lower == ".gitlab-ci.yml" || lower.ends_with(".gitlab-ci.yml") {
        return Some(kinds::GITLAB_CI);
    }
    if lower.starts_with("azure-pipelines")
        || lower.starts_with(".azure-pipelines")
        || lower.starts_with(".vsts-")
        || parts.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p == ".azure-pipelines" || p == ".azuredevops" || p == ".pipelines"
        })
    {
        return Some(kinds::AZURE_YAML);
    }
    None
}

/// Whether a repository path is a pipeline file a collector should fetch and parse.
pub fn is_pipeline_path(path: &str) -> bool {
    detect_kind(path).is_some()
}

/// The kind a platform's files default to when neither path nor content decides.
pub(crate) fn platform_default(platform: &str) -> Option<&'static str> {
    match platform {
        devquery_model::platform::GITHUB => Some(kinds::GITHUB_WORKFLOW),
        devquery_model::platform::AZURE_DEVOPS => Some(kinds::AZURE_YAML),
        devquery_model::platform::GITLAB => Some(kinds::GITLAB_CI),
        _ => None,
    }
}

/// The kind of a generic YAML file from its content, with the platform as a tie-breaker.
pub(crate) fn sniff(docs: &[Value], platform: &str) -> Option<&'static str> {
    let doc = yaml::first_doc(docs);
    let has = |k: &str| yaml::get(doc, k).is_some();
    if has("runs") && !has("jobs") {
        return Some(kinds::GITHUB_ACTION);
    }
    if let Some(kind) = platform_default(platform) {
        return Some(kind);
    }
    if has("on") && has("jobs") {
        return Some(kinds::GITHUB_WORKFLOW);
    }
    let seq_of_maps = |k: &str| {
        yaml::get(doc, k)
            .and_then(Value::as_sequence)
            .is_some_and(|s| s.iter().any(Value::is_mapping))
    };
    if ["trigger", "pr", "pool", "extends", "resources", "schedules"]
        .iter()
        .any(|k| has(k))
        || seq_of_maps("stages")
        || seq_of_maps("jobs")
        || seq_of_maps("steps")
    {
        return Some(kinds::AZURE_YAML);
    }
    let gitlab_job = doc.as_mapping().is_some_and(|m| {
        m.values()
            .any(|v| yaml::get(v, "script").is_some() || yaml::get(v, "trigger").is_some())
    });
    if gitlab_job || has("include") || has("workflow") {
        return Some(kinds::GITLAB_CI);
    }
    if has("on") || has("jobs") {
        return Some(kinds::GITHUB_WORKFLOW);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_path() {
        assert_eq!(
            detect_kind(".github/workflows/ci.yml"),
            Some(kinds::GITHUB_WORKFLOW)
        );
        assert_eq!(
            detect_kind("a/.github/workflows/ci.YAML"),
            Some(kinds::GITHUB_WORKFLOW)
        );
        assert_eq!(detect_kind(".github/workflows/sub/ci.yml"), None);
        assert_eq!(detect_kind("x/action.yaml"), Some(kinds::GITHUB_ACTION));
        assert_eq!(detect_kind(".gitlab-ci.yml"), Some(kinds::GITLAB_CI));
        assert_eq!(detect_kind("azure-pipelines.yml"), Some(kinds::AZURE_YAML));
        assert_eq!(
            detect_kind(".azure-pipelines/build.yml"),
            Some(kinds::AZURE_YAML)
        );
        assert_eq!(detect_kind("build/ci.yml"), None);
        assert_eq!(detect_kind("README.md"), None);
        assert!(is_pipeline_path(
            "scripts/azure-pipelines/linux/azure-pipelines.yml"
        ));
    }
}
