-- id: repo-open-secret-alerts
-- title: Open secret-scanning alerts
-- severity: high
-- platforms: github, azure_devops
-- description: Secrets found in the repository have not been revoked and resolved; anyone with read access to the code can use them.
-- remediation: Revoke and rotate each exposed credential at its issuer, then close the alert; purge it from history if the repository is public.
-- tactics: credential-access
-- references: Defender: "GitHub repositories should have secret scanning findings resolved"; Defender: "Azure DevOps repositories should have secret scanning findings resolved"
WITH open_alerts AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo, count(*) AS n
    FROM alerts
    WHERE kind = 'secret_scanning' AND state = 'open'
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN a.n > 0 THEN CAST(a.n AS VARCHAR) || ' open secret-scanning alert(s)'
        WHEN (r.platform = 'github' AND r.secret_scanning) OR (r.platform = 'azure_devops' AND r.advanced_security) THEN 'no open secret-scanning alerts'
        ELSE 'secret-scanning alerts are not available (scanning off or not readable)'
    END AS reason,
    CASE
        WHEN a.n > 0 THEN 'fail'
        WHEN (r.platform = 'github' AND r.secret_scanning) OR (r.platform = 'azure_devops' AND r.advanced_security) THEN 'pass'
        ELSE 'unknown'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN open_alerts a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org
    AND a.project = coalesce(r.project, '') AND a.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
