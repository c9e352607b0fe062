-- id: gh-org-base-permission
-- title: Organisation base permission is write or admin
-- severity: high
-- platforms: github
-- description: Every organisation member gets this role on every repository; write or admin lets any member push to (or reconfigure) every repository.
-- remediation: Organisation settings > Member privileges > Base permissions: set to No permission or Read, and grant write through teams.
-- tactics: privilege-escalation, impact
-- references: Defender: "GitHub organizations should have base permissions set to no permissions or read"; CIS SSCS 1.3.8; Legitify default_repository_permission_is_not_none
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN default_repo_permission IS NULL THEN 'base permission could not be read'
        ELSE 'base repository permission is ' || default_repo_permission
    END AS reason,
    CASE
        WHEN default_repo_permission IS NULL THEN 'unknown'
        WHEN lower(default_repo_permission) IN ('write', 'admin') THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
