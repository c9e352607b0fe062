//! Pipeline definitions as tables: GitHub Actions workflows and actions, Azure Pipelines YAML and
//! GitLab CI files parsed into rows of the `pipelines`, `pipeline_jobs` and `pipeline_steps`
//! catalogue tables, plus the `--path DIR` source that finds those files in local checkouts.
//!
//! Parsing never panics and never fails as a whole: malformed YAML, unknown shapes and
//! unresolvable templates give a `pipelines` row whose `parse_error` says what went wrong, with
//! whatever could still be extracted.
//!
//! Rows record where things are written: the line of the definition, of each top-level key and
//! trigger, of each job and step (with column) and their keys, and the line and column of every
//! untrusted expression found in a script, so findings can point at the line.
//!
//! ```
//! use devquery_pipelines::{FileContext, parse_file};
//!
//! let ctx = FileContext::new("github");
//! let parsed = parse_file(&ctx, ".github/workflows/ci.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n");
//! assert_eq!(parsed.pipeline.kind.as_deref(), Some("github_workflow"));
//! assert_eq!(parsed.steps.len(), 1);
//! ```

mod azure;
mod coverage;
mod error;
mod expr;
mod github;
mod gitlab;
mod kind;
mod loader;
mod local;
mod nesting;
mod positions;
mod scalar;
mod uses;
mod yaml;

use devquery_model::tables::pipeline_jobs::PipelineJobRow;
use devquery_model::tables::pipeline_steps::PipelineStepRow;
use devquery_model::tables::pipelines::PipelineRow;

pub use coverage::local_coverage;
pub use error::Error;
pub use expr::{ado_untrusted_macros, github_untrusted_inputs, secrets_referenced};
pub use kind::{detect_kind, is_pipeline_path, kinds};
pub use local::{collect_paths, dataset};
pub use uses::{ActionRef, parse_uses, ref_kind};

/// Where a pipeline file comes from: the join keys copied onto every row, and the stable id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileContext {
    /// `github`, `azure_devops`, `gitlab` or `local` (see [`devquery_model::platform`]). Also a
    /// hint for files whose path says nothing about their kind.
    pub platform: String,
    /// API host, or `local`.
    pub host: Option<String>,
    /// Organisation.
    pub org: Option<String>,
    /// Azure DevOps project.
    pub project: Option<String>,
    /// Repository name.
    pub repo: Option<String>,
    /// Stable pipeline id (Azure DevOps definition id, GitHub workflow id); the path when `None`.
    pub pipeline_id: Option<String>,
}

impl FileContext {
    /// A context with only the platform set.
    pub fn new(platform: impl Into<String>) -> Self {
        Self {
            platform: platform.into(),
            ..Self::default()
        }
    }
}

/// The rows one pipeline file produces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedPipeline {
    /// The `pipelines` row (always present; `parse_error` set when something went wrong).
    pub pipeline: PipelineRow,
    /// `pipeline_jobs` rows.
    pub jobs: Vec<PipelineJobRow>,
    /// `pipeline_steps` rows.
    pub steps: Vec<PipelineStepRow>,
}

/// Parses one pipeline file. The kind is detected from the path (see [`detect_kind`]) and, for
/// a generic `*.yml`, from the content and the platform of `ctx`. Never panics: problems are
/// reported in `pipeline.parse_error`.
pub fn parse_file(ctx: &FileContext, path: &str, content: &str) -> ParsedPipeline {
    parse_file_as(ctx, path, content, None)
}

/// Parses a file; `template` set means an Azure Pipelines file reached through a `template:`
/// reference (`Some(true)`: a template), `None` detects the kind.
pub(crate) fn parse_file_as(
    ctx: &FileContext,
    path: &str,
    content: &str,
    template: Option<bool>,
) -> ParsedPipeline {
    let mut out = ParsedPipeline {
        pipeline: base_pipeline(ctx, path),
        ..ParsedPipeline::default()
    };
    let loaded = match loader::load(content) {
        Ok(loaded) => loaded,
        Err(message) => {
            out.pipeline.kind = detect_kind(path)
                .or_else(|| kind::platform_default(&ctx.platform))
                .map(str::to_string);
            out.pipeline.parse_error = Some(message);
            return out;
        }
    };
    let docs = &loaded.docs;
    let kind = if template.is_some() {
        Some(kinds::AZURE_YAML)
    } else {
        detect_kind(path).or_else(|| kind::sniff(docs, &ctx.platform))
    };
    out.pipeline.kind = kind.map(str::to_string);
    let mut sink = Sink::new(ctx, path, &loaded.positions);
    match kind {
        Some(kinds::GITHUB_WORKFLOW) => github::parse_workflow(docs, &mut sink, &mut out),
        Some(kinds::GITHUB_ACTION) => github::parse_action(docs, &mut sink, &mut out),
        Some(kinds::AZURE_YAML) => azure::parse(docs, &mut sink, &mut out, template),
        Some(kinds::GITLAB_CI) => gitlab::parse(docs, &mut sink, &mut out),
        _ => sink.error(
            "unrecognised pipeline file: not a GitHub workflow or action, Azure Pipelines or GitLab CI definition"
                .to_string(),
        ),
    }
    sink.finish(&mut out);
    out
}

/// A `pipelines` row with the join keys, id and path filled.
fn base_pipeline(ctx: &FileContext, path: &str) -> PipelineRow {
    PipelineRow {
        platform: Some(ctx.platform.clone()),
        host: ctx.host.clone(),
        org: ctx.org.clone(),
        project: ctx.project.clone(),
        repo: ctx.repo.clone(),
        pipeline_id: Some(ctx.pipeline_id.clone().unwrap_or_else(|| path.to_string())),
        path: Some(path.to_string()),
        ..PipelineRow::default()
    }
}

/// Collects parse problems and builds rows carrying the context's join keys; knows where the
/// file's nodes are.
pub(crate) struct Sink<'a> {
    ctx: &'a FileContext,
    path: &'a str,
    positions: &'a positions::Positions<'a>,
    pipeline_id: String,
    errors: Vec<String>,
}

impl<'a> Sink<'a> {
    fn new(ctx: &'a FileContext, path: &'a str, positions: &'a positions::Positions<'a>) -> Self {
        Self {
            ctx,
            path,
            positions,
            pipeline_id: ctx.pipeline_id.clone().unwrap_or_else(|| path.to_string()),
            errors: Vec::new(),
        }
    }

    /// Where the nodes of the file being parsed are.
    pub(crate) fn pos(&self) -> &'a positions::Positions<'a> {
        self.positions
    }

    /// Records a problem (the file still yields what could be extracted).
    pub(crate) fn error(&mut self, message: String) {
        tracing::debug!(path = self.path, %message, "pipeline parse problem");
        if self.errors.len() < 20 && !self.errors.contains(&message) {
            self.errors.push(message);
        }
    }

    /// The file path.
    pub(crate) fn path(&self) -> &str {
        self.path
    }

    /// Problems recorded so far.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// A job row with join keys, pipeline id, path and job id.
    pub(crate) fn job(&self, job_id: &str) -> PipelineJobRow {
        PipelineJobRow {
            platform: Some(self.ctx.platform.clone()),
            host: self.ctx.host.clone(),
            org: self.ctx.org.clone(),
            project: self.ctx.project.clone(),
            repo: self.ctx.repo.clone(),
            pipeline_id: Some(self.pipeline_id.clone()),
            path: Some(self.path.to_string()),
            job_id: Some(job_id.to_string()),
            ..PipelineJobRow::default()
        }
    }

    /// A step row with join keys, pipeline id, path, job id and index.
    pub(crate) fn step(&self, job_id: &str, index: usize) -> PipelineStepRow {
        PipelineStepRow {
            platform: Some(self.ctx.platform.clone()),
            host: self.ctx.host.clone(),
            org: self.ctx.org.clone(),
            project: self.ctx.project.clone(),
            repo: self.ctx.repo.clone(),
            pipeline_id: Some(self.pipeline_id.clone()),
            path: Some(self.path.to_string()),
            job_id: Some(job_id.to_string()),
            step_index: i64::try_from(index).ok(),
            ..PipelineStepRow::default()
        }
    }

    fn finish(self, out: &mut ParsedPipeline) {
        if !self.errors.is_empty() && out.pipeline.parse_error.is_none() {
            out.pipeline.parse_error = Some(self.errors.join("; "));
        }
    }
}
