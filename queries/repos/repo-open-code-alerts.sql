-- id: repo-open-code-alerts
-- title: Open critical or high code-scanning alerts
-- severity: medium
-- platforms: github, azure_devops
-- description: Static analysis has found critical or high severity vulnerabilities in the code that are still open.
-- remediation: Fix the vulnerable code (or dismiss false positives with a reason) for every open critical/high code-scanning alert.
-- tactics: initial-access, execution
-- references: Defender: "GitHub repositories should have code scanning findings resolved"; Defender: "Azure DevOps repositories should have code scanning findings resolved"
WITH open_alerts AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo, count(*) AS n
    FROM alerts
    WHERE kind = 'code_scanning' AND state = 'open' AND lower(severity) IN ('critical', 'high')
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN a.n > 0 THEN CAST(a.n AS VARCHAR) || ' open critical/high code-scanning alert(s)'
        ELSE 'no open critical/high code-scanning alerts'
    END AS reason,
    CASE WHEN a.n > 0 THEN 'fail' ELSE 'pass' END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN open_alerts a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org
    AND a.project = coalesce(r.project, '') AND a.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
