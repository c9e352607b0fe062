-- id: repo-open-iac-alerts
-- title: Open infrastructure-as-code scanning findings
-- severity: medium
-- platforms: github, azure_devops
-- description: An infrastructure-as-code scanner (Checkov, Trivy, tfsec, Terrascan, KICS, Template Analyzer) reported misconfigured templates in the repository and the findings are still open: the next deployment creates misconfigured cloud resources.
-- remediation: Fix the templates, or dismiss false positives with a reason, for every open IaC finding; keep the scanner in pull-request checks so new findings are caught before merge.
-- tactics: initial-access, defense-evasion
-- references: Defender: "GitHub repositories should have infrastructure as code scanning findings resolved"; Defender: "Azure DevOps repositories should have infrastructure as code scanning findings resolved"
-- param: iac_tools = checkov,trivy,tfsec,terrascan,kics,templateanalyzer,template analyzer,bicep linter,arm-ttk,kubesec
WITH iac AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) FILTER (WHERE state = 'open') AS open_n
    FROM alerts
    WHERE kind = 'code_scanning'
      AND array_has(string_to_array({{iac_tools}}, ','), lower(tool))
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN a.open_n > 0 THEN CAST(a.open_n AS VARCHAR) || ' open IaC finding(s)'
        ELSE 'no open IaC findings'
    END AS reason,
    CASE
        WHEN a.open_n > 0 THEN 'fail'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN iac a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org
    AND a.project = coalesce(r.project, '') AND a.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
