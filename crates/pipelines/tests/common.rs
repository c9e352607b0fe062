//! Shared helpers: the corpus (files with their original paths), fixture loading, files
//! written into fake checkouts and the values of a collected table's column.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use devquery_model::Dataset;
use devquery_pipelines::FileContext;

/// The shared corpus directory (`../shared/corpus` beside the repository).
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

/// One corpus file.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    /// `github`, `azure` or `gitlab` (corpus directory).
    pub platform: String,
    /// `owner/repo`.
    pub repo: String,
    /// Path inside the original repository.
    pub original_path: String,
    /// Path of the file in the corpus.
    pub corpus_path: String,
    /// Content (lossy UTF-8).
    pub content: String,
}

impl CorpusFile {
    /// The context a collector of the file's platform would use.
    pub fn context(&self) -> FileContext {
        let (owner, repo) = self.repo.split_once('/').unwrap_or(("", &self.repo));
        FileContext {
            platform: match self.platform.as_str() {
                "azure" => "azure_devops".to_string(),
                other => other.to_string(),
            },
            host: None,
            org: Some(owner.to_string()),
            project: None,
            repo: Some(repo.to_string()),
            pipeline_id: None,
        }
    }
}

/// Every corpus file listed in `MANIFEST.tsv` (read once).
pub fn corpus() -> &'static [CorpusFile] {
    static FILES: OnceLock<Vec<CorpusFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        let manifest = std::fs::read_to_string(format!("{CORPUS}/MANIFEST.tsv"))
            .expect("corpus manifest (../shared/corpus/MANIFEST.tsv)");
        let mut out = Vec::new();
        for line in manifest.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 4 {
                continue;
            }
            let corpus_path = format!(
                "{}/{}/{}",
                cols[0],
                cols[1].replace('/', "__"),
                cols[3].replace('/', "__")
            );
            let bytes = std::fs::read(format!("{CORPUS}/{corpus_path}"))
                .unwrap_or_else(|e| panic!("corpus file {corpus_path}: {e}"));
            out.push(CorpusFile {
                platform: cols[0].to_string(),
                repo: cols[1].to_string(),
                original_path: cols[3].to_string(),
                corpus_path,
                content: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        out
    })
}

/// A fixture file's content.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Writes `content` to `root/rel`, creating directories.
pub fn write(root: &Path, rel: &str, content: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

/// The text values of a column over all batches of a table (NULL as `None`).
pub fn column(ds: &Dataset, table: &str, name: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for b in ds.batches(table) {
        let b: &RecordBatch = b;
        let col = b.column_by_name(name).unwrap();
        if let DataType::List(_) = col.data_type() {
            // Lists as comma-joined text.
            let list = col.as_list::<i32>();
            for i in 0..list.len() {
                out.push((!list.is_null(i)).then(|| {
                    let values = list.value(i);
                    let values = values.as_string::<i32>();
                    (0..values.len())
                        .map(|j| values.value(j).to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                }));
            }
            continue;
        }
        let col = datafusion::arrow::compute::cast(col, &DataType::Utf8).unwrap();
        let s = col.as_string::<i32>();
        for i in 0..s.len() {
            out.push((!s.is_null(i)).then(|| s.value(i).to_string()));
        }
    }
    out
}
