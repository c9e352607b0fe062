-- id: repo-direct-collaborators
-- title: Repository access granted to individuals instead of teams
-- severity: low
-- platforms: github
-- description: Direct grants to users escape team-based reviews of access and linger after people change roles.
-- remediation: Grant access through teams and remove direct collaborator grants (keep outside collaborators to a minimum, with an owner and an expiry).
-- tactics: persistence, privilege-escalation
-- references: Legitify repository_has_direct_collaborators; CIS SSCS 1.3.1
WITH per_principal AS (
    -- one row per principal first: DISTINCT inside the aggregates is much slower
    SELECT platform, host, org, repo, principal,
           count(*) AS grants,
           bool_or(principal_type = 'user' AND via = 'direct') AS direct_user
    FROM access_grants
    WHERE platform = 'github' AND resource_type = 'repository'
    GROUP BY platform, host, org, repo, principal
),
g AS (
    SELECT platform, host, org, repo,
           sum(grants) AS grants,
           sum(CASE WHEN direct_user AND principal IS NOT NULL THEN 1 ELSE 0 END) AS direct,
           array_to_string(array_sort(array_agg(CASE WHEN direct_user THEN principal END)), ', ') AS who
    FROM per_principal
    GROUP BY platform, host, org, repo
)
SELECT
    'repository' AS resource_type,
    r.org || '/' || r.repo AS resource,
    CASE
        WHEN g.grants IS NULL THEN 'access grants could not be read'
        WHEN g.direct > 0 THEN CAST(g.direct AS VARCHAR) || ' direct collaborator(s): ' || g.who
        ELSE 'access granted through teams only'
    END AS reason,
    CASE
        WHEN g.grants IS NULL THEN 'unknown'
        WHEN g.direct > 0 THEN 'fail'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.repo
FROM repositories r
LEFT JOIN g ON g.platform = r.platform AND g.host = r.host AND g.org = r.org AND g.repo = r.repo
WHERE r.platform = 'github' AND coalesce(r.is_archived, false) = false
