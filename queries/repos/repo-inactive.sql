-- id: repo-inactive
-- title: Inactive repository is not archived
-- severity: low
-- platforms: github, azure_devops
-- description: A repository not pushed to for {{inactive_days}} days still holds live access grants, secrets, webhooks and runnable workflows that nobody watches.
-- remediation: Archive (GitHub) or disable (Azure Repos) repositories that are no longer maintained, or delete them.
-- tactics: persistence, initial-access
-- references: CIS SSCS 1.2.7; Legitify repository_not_maintained
-- param: inactive_days = 180
SELECT
    'repository' AS resource_type,
    concat_ws('/', org, project, repo) AS resource,
    CASE
        WHEN pushed_at IS NULL THEN 'last push time unknown'
        ELSE 'last push ' || CAST(CAST(floor((date_part('epoch', now()) - date_part('epoch', pushed_at)) / 86400) AS BIGINT) AS VARCHAR) || ' days ago'
    END AS reason,
    CASE
        WHEN pushed_at IS NULL THEN 'unknown'
        WHEN pushed_at < now() - INTERVAL '{{inactive_days}} days' THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM repositories
WHERE platform IN ('github', 'azure_devops')
  AND coalesce(is_archived, false) = false AND coalesce(is_disabled, false) = false
