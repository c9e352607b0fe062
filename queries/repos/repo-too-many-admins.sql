-- id: repo-too-many-admins
-- title: Repository has too many administrators
-- severity: medium
-- platforms: github
-- description: More than {{max_admins}} people can change the repository's protection, secrets, webhooks and deploy keys.
-- remediation: Reduce admin grants to a few maintainers (through one team); give others maintain or write.
-- tactics: privilege-escalation
-- references: CIS SSCS 1.3.7; Legitify repository_has_too_many_admins
-- param: max_admins = 3
WITH per_principal AS (
    -- one row per principal first: DISTINCT inside the aggregates is much slower
    SELECT platform, host, org, repo, principal,
           count(*) AS grants,
           bool_or(lower(role) = 'admin' AND principal_type = 'user') AS admin_user
    FROM access_grants
    WHERE platform = 'github' AND resource_type = 'repository'
    GROUP BY platform, host, org, repo, principal
),
g AS (
    SELECT platform, host, org, repo,
           sum(grants) AS grants,
           sum(CASE WHEN admin_user AND principal IS NOT NULL THEN 1 ELSE 0 END) AS admins
    FROM per_principal
    GROUP BY platform, host, org, repo
)
SELECT
    'repository' AS resource_type,
    r.org || '/' || r.repo AS resource,
    CASE
        WHEN g.grants IS NULL THEN 'access grants could not be read'
        ELSE CAST(g.admins AS VARCHAR) || ' admin(s); at most {{max_admins}} allowed'
    END AS reason,
    CASE
        WHEN g.grants IS NULL THEN 'unknown'
        WHEN g.admins > {{max_admins}} THEN 'fail'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.repo
FROM repositories r
LEFT JOIN g ON g.platform = r.platform AND g.host = r.host AND g.org = r.org AND g.repo = r.repo
WHERE r.platform = 'github' AND coalesce(r.is_archived, false) = false
