-- id: repo-code-scanning-absent
-- title: No code scanning
-- severity: medium
-- platforms: github, azure_devops
-- description: The repository has no code-scanning analysis (no code-scanning alerts ever raised) and no SAST step (CodeQL, Semgrep, Sonar, MSDO, ...) in any of its pipelines.
-- remediation: Enable CodeQL default setup (GitHub) or the Advanced Security CodeQL tasks (Azure DevOps), or add a SAST tool to CI.
-- tactics: initial-access
-- references: Defender: "GitHub repositories should have code scanning enabled"; Scorecard SAST; CIS SSCS 1.5.2
WITH evidence AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo, 'code-scanning alerts' AS how
    FROM alerts WHERE kind = 'code_scanning'
    UNION ALL
    SELECT platform, host, org, coalesce(project, '') AS project, repo, 'SAST step ' || coalesce(uses, name, 'script') AS how
    FROM pipeline_steps
    WHERE regexp_like(lower(uses), 'codeql|semgrep|sonar|snyk code|snyk/actions|bandit|gosec|brakeman|checkmarx|fortify|veracode|security-devops|microsoftsecuritydevops|horusec|njsscan|psalm|phpstan.*security|devskim')
       OR regexp_like(lower(script), 'codeql|semgrep|sonar|snyk code|snyk/actions|bandit|gosec|brakeman|checkmarx|fortify|veracode|security-devops|microsoftsecuritydevops|horusec|njsscan|psalm|phpstan.*security|devskim')
),
agg AS (
    SELECT platform, host, org, project, repo, array_to_string(array_sort(array_agg(DISTINCT how)), ', ') AS hows
    FROM evidence GROUP BY platform, host, org, project, repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE WHEN a.hows IS NULL THEN 'no code-scanning analysis and no SAST step in any pipeline'
         ELSE 'code scanning found: ' || a.hows END AS reason,
    CASE WHEN a.hows IS NULL THEN 'fail' ELSE 'pass' END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN agg a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org
    AND a.project = coalesce(r.project, '') AND a.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
