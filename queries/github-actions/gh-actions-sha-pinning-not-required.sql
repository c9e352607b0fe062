-- id: gh-actions-sha-pinning-not-required
-- title: Organisation does not require actions pinned to a commit SHA
-- severity: low
-- platforms: github
-- description: Without the policy, workflows may reference actions by tag or branch, which the action's owner (or an attacker who takes it over) can move.
-- remediation: Organisation settings > Actions > General > Policies: tick Require actions to be pinned to a full-length commit SHA.
-- tactics: initial-access, execution
-- references: Scorecard Pinned-Dependencies; CIS SSCS 2.4.2
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN actions_enabled = false THEN 'GitHub Actions is disabled'
        WHEN sha_pinning_required IS NULL THEN 'SHA pinning policy could not be read'
        WHEN sha_pinning_required THEN 'actions must be pinned to a full commit SHA'
        ELSE 'actions may be referenced by tag or branch'
    END AS reason,
    CASE
        WHEN actions_enabled = false THEN 'pass'
        WHEN sha_pinning_required IS NULL THEN 'unknown'
        WHEN sha_pinning_required THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM pipeline_settings
WHERE platform = 'github' AND scope = 'org'
