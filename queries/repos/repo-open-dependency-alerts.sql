-- id: repo-open-dependency-alerts
-- title: Open critical or high dependency alerts
-- severity: medium
-- platforms: github, azure_devops
-- description: The repository depends on package versions with known critical or high severity vulnerabilities.
-- remediation: Upgrade the vulnerable dependencies (merge the Dependabot security update pull requests) or dismiss alerts that do not apply, with a reason.
-- tactics: initial-access
-- references: Defender: "GitHub repositories should have dependency vulnerability scanning findings resolved"; Defender: "Azure DevOps repositories should have dependency vulnerability scanning findings resolved"; Scorecard Vulnerabilities
WITH open_alerts AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo, count(*) AS n
    FROM alerts
    WHERE kind IN ('dependabot', 'dependency', 'dependency_scanning') AND state = 'open' AND lower(severity) IN ('critical', 'high')
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN a.n > 0 THEN CAST(a.n AS VARCHAR) || ' open dependency alert(s)'
        WHEN (r.platform = 'github' AND r.vulnerability_alerts) OR (r.platform = 'azure_devops' AND r.advanced_security) THEN 'no open dependency alerts'
        ELSE 'dependency alerts are not available (scanning off or not readable)'
    END AS reason,
    CASE
        WHEN a.n > 0 THEN 'fail'
        WHEN (r.platform = 'github' AND r.vulnerability_alerts) OR (r.platform = 'azure_devops' AND r.advanced_security) THEN 'pass'
        ELSE 'unknown'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN open_alerts a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org
    AND a.project = coalesce(r.project, '') AND a.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
