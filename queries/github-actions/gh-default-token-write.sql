-- id: gh-default-token-write
-- title: Default workflow token permissions are write
-- severity: high
-- platforms: github
-- description: Every workflow without a permissions block gets a GITHUB_TOKEN that can push code, create releases and edit issues, so any compromised step can tamper with the repository.
-- remediation: Organisation (and repository) settings > Actions > General > Workflow permissions: Read repository contents and packages permissions;
--   grant write per job with `permissions:`.
-- tactics: privilege-escalation, impact
-- references: Defender: "GitHub organizations should have actions workflow permissions set to read-only"; Legitify token_default_permissions_is_read_write; Scorecard Token-Permissions
SELECT
    CASE WHEN scope = 'org' THEN 'org' ELSE 'repository' END AS resource_type,
    CASE WHEN scope = 'org' THEN org ELSE org || '/' || repo END AS resource,
    CASE
        WHEN default_workflow_permissions IS NULL THEN 'default workflow permissions could not be read'
        ELSE 'default GITHUB_TOKEN permissions: ' || default_workflow_permissions
    END AS reason,
    CASE
        WHEN default_workflow_permissions IS NULL THEN 'unknown'
        WHEN lower(default_workflow_permissions) = 'write' THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, repo
FROM pipeline_settings
WHERE platform = 'github' AND scope IN ('org', 'repo')
