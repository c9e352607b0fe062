-- id: gh-secret-stale
-- title: Secret not rotated for a long time
-- severity: medium
-- platforms: github, azure_devops
-- description: A secret unchanged for more than {{max_age_days}} days has had a long time to leak through logs, forks and former staff, and nobody has proved it can be rotated.
-- remediation: Rotate the credential at its issuer, update the secret, and prefer short-lived credentials (OIDC federation) where the target supports them.
-- tactics: credential-access, persistence
-- references: Legitify organization_secret_not_rotated / repository_secret_not_rotated; CIS SSCS 2.3.8
-- param: max_age_days = 365
WITH as_of AS (
    -- Age is judged at collection time (the newest run's start), so a snapshot gives the same
    -- answer on any later day; with no run recorded, at the current time.
    SELECT coalesce(max(started_at), now()) AS as_of_time FROM collection_runs
)
SELECT
    'secret' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || scope || ':' || coalesce(container || '/', '') || name AS resource,
    CASE
        WHEN coalesce(updated_at, created_at) IS NULL THEN 'last update time unknown'
        ELSE 'last updated ' || CAST(CAST(floor((date_part('epoch', as_of_time) - date_part('epoch', coalesce(updated_at, created_at))) / 86400) AS BIGINT) AS VARCHAR) || ' days ago'
    END AS reason,
    CASE
        WHEN coalesce(updated_at, created_at) IS NULL THEN 'unknown'
        WHEN coalesce(updated_at, created_at) < as_of_time - INTERVAL '{{max_age_days}} days' THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM secrets CROSS JOIN as_of
WHERE platform IN ('github', 'azure_devops') AND coalesce(key_vault_backed, false) = false
