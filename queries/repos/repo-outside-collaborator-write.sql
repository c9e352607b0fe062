-- id: repo-outside-collaborator-write
-- title: Outside collaborator with write access or higher
-- severity: medium
-- platforms: github
-- description: Someone outside the organisation can push code (or administer the repository) without the organisation's member controls applying to them.
-- remediation: Lower outside collaborators to read or triage, or make them members under the organisation's SSO and 2FA policies.
-- tactics: initial-access, persistence
-- references: CIS SSCS 1.3.2; Legitify
SELECT
    'access_grant' AS resource_type,
    org || '/' || repo || ':' || principal AS resource,
    'outside collaborator ' || principal || ' has ' || coalesce(role, 'unknown') || ' access' AS reason,
    CASE
        WHEN role IS NULL THEN 'unknown'
        WHEN lower(role) IN ('write', 'maintain', 'admin', 'push') THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, repo
FROM access_grants
WHERE platform = 'github' AND resource_type = 'repository' AND is_outside_collaborator = true
