-- id: gh-self-hosted-runners
-- title: Repository can use self-hosted runners
-- severity: high
-- platforms: github
-- description: Self-hosted runners are not guaranteed to be ephemeral clean machines; code from one workflow run can persist on the runner and reach its network and later jobs.
-- remediation: Use GitHub-hosted (or ephemeral, just-in-time) runners; otherwise restrict runner groups to selected private repositories and workflows.
-- tactics: execution, persistence, lateral-movement
-- references: Defender: "GitHub repositories shouldn't use self hosted runners"; zizmor self-hosted-runner
WITH reachable AS (
    -- repository-level self-hosted runners
    SELECT r.platform, r.host, r.org, r.repo, 'repository runner ' || ru.name AS via
    FROM repositories r
    JOIN runners ru ON ru.platform = r.platform AND ru.host = r.host AND ru.org = r.org
        AND ru.scope = 'repo' AND ru.repo = r.repo AND coalesce(ru.self_hosted, true)
    UNION ALL
    -- organisation runner groups with self-hosted runners that this repository may use
    SELECT r.platform, r.host, r.org, r.repo, 'runner group ' || g.name AS via
    FROM repositories r
    JOIN runner_groups g ON g.platform = r.platform AND g.host = r.host AND g.org = r.org
        AND coalesce(g.is_hosted, false) = false
        AND (g.visibility = 'all'
             OR (g.visibility = 'private' AND coalesce(r.visibility, 'private') <> 'public')
             OR (g.visibility = 'selected' AND (array_has(g.selected_repositories, r.repo)
                                                OR array_has(g.selected_repositories, r.org || '/' || r.repo))))
        AND (coalesce(r.visibility, '') <> 'public' OR coalesce(g.allows_public_repositories, false))
    WHERE EXISTS (SELECT 1 FROM runners ru WHERE ru.platform = g.platform AND ru.host = g.host AND ru.org = g.org
                  AND ru.scope = 'org' AND ru."group" = g.name AND coalesce(ru.self_hosted, true))
    UNION ALL
    -- jobs that ask for a self-hosted runner
    SELECT j.platform, j.host, j.org, j.repo, 'job ' || coalesce(j.path, '') || '#' || coalesce(j.job_id, '') AS via
    FROM pipeline_jobs j
    WHERE j.platform = 'github' AND j.self_hosted = true
),
agg AS (
    SELECT platform, host, org, repo, array_to_string(array_sort(array_agg(DISTINCT via)), ', ') AS vias
    FROM reachable
    GROUP BY platform, host, org, repo
)
SELECT
    'repository' AS resource_type,
    r.org || '/' || r.repo AS resource,
    CASE WHEN a.vias IS NULL THEN 'no self-hosted runner reachable' ELSE 'self-hosted runners reachable via ' || a.vias END AS reason,
    CASE WHEN a.vias IS NULL THEN 'pass' ELSE 'fail' END AS status,
    r.platform, r.host, r.org, r.repo
FROM repositories r
LEFT JOIN agg a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org AND a.repo = r.repo
WHERE r.platform = 'github' AND coalesce(r.is_archived, false) = false
