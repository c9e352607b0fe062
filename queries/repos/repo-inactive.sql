-- id: repo-inactive
-- title: Inactive repository is not archived
-- severity: low
-- platforms: github, azure_devops
-- description: A repository not pushed to for {{inactive_days}} days still holds live access grants, secrets, webhooks and runnable workflows that nobody watches.
-- remediation: Archive (GitHub) or disable (Azure Repos) repositories that are no longer maintained, or delete them.
-- tactics: persistence, initial-access
-- references: CIS SSCS 1.2.7; Legitify repository_not_maintained
-- param: inactive_days = 180
WITH as_of AS (
    -- Age is judged at collection time (the newest run's start), so a snapshot gives the same
    -- answer on any later day; with no run recorded, at the current time.
    SELECT coalesce(max(started_at), now()) AS as_of_time FROM collection_runs
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', org, project, repo) AS resource,
    CASE
        WHEN pushed_at IS NULL THEN 'last push time unknown'
        ELSE 'last push ' || CAST(CAST(floor((date_part('epoch', as_of_time) - date_part('epoch', pushed_at)) / 86400) AS BIGINT) AS VARCHAR) || ' days ago'
    END AS reason,
    CASE
        WHEN pushed_at IS NULL THEN 'unknown'
        WHEN pushed_at < as_of_time - INTERVAL '{{inactive_days}} days' THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM repositories CROSS JOIN as_of
WHERE platform IN ('github', 'azure_devops')
  AND coalesce(is_archived, false) = false AND coalesce(is_disabled, false) = false
