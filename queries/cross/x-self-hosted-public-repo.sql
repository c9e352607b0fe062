-- id: x-self-hosted-public-repo
-- title: Public repository can run on self-hosted runners
-- severity: critical
-- platforms: github
-- description: A public repository can reach self-hosted runners (a repository runner, or an organisation runner group that allows public repositories and includes it), so anyone who opens a pull request with a workflow can run code on those machines.
-- remediation: Use GitHub-hosted runners for public repositories; untick Allow public repositories on runner groups and remove repository-level self-hosted runners.
-- tactics: initial-access, execution, lateral-movement, persistence
-- references: Defender: "GitHub repositories shouldn't use self hosted runners"; zizmor self-hosted-runner; Legitify runner_group_can_be_used_by_public_repositories
WITH via AS (
    SELECT r.platform, r.host, r.org, r.repo, 'runner group ' || g.name AS how
    FROM repositories r
    JOIN runner_groups g ON g.platform = r.platform AND g.host = r.host AND g.org = r.org
        AND coalesce(g.is_hosted, false) = false AND g.allows_public_repositories = true
        AND (g.visibility = 'all'
             OR (g.visibility = 'selected' AND (array_has(g.selected_repositories, r.repo)
                                                OR array_has(g.selected_repositories, r.org || '/' || r.repo))))
    WHERE r.visibility = 'public'
      AND EXISTS (SELECT 1 FROM runners ru WHERE ru.platform = g.platform AND ru.host = g.host AND ru.org = g.org
                  AND ru.scope = 'org' AND ru."group" = g.name AND coalesce(ru.self_hosted, true))
    UNION ALL
    SELECT r.platform, r.host, r.org, r.repo, 'repository runner ' || ru.name AS how
    FROM repositories r
    JOIN runners ru ON ru.platform = r.platform AND ru.host = r.host AND ru.org = r.org
        AND ru.scope = 'repo' AND ru.repo = r.repo AND coalesce(ru.self_hosted, true)
    WHERE r.visibility = 'public'
),
agg AS (
    SELECT platform, host, org, repo, array_to_string(array_sort(array_agg(DISTINCT how)), ', ') AS hows FROM via
    GROUP BY platform, host, org, repo
)
SELECT
    'repository' AS resource_type,
    r.org || '/' || r.repo AS resource,
    CASE WHEN a.hows IS NOT NULL THEN 'public repository reaches self-hosted ' || a.hows
         ELSE 'public repository reaches no self-hosted runner' END AS reason,
    CASE WHEN a.hows IS NOT NULL THEN 'fail' ELSE 'pass' END AS status,
    r.platform, r.host, r.org, r.repo
FROM repositories r
LEFT JOIN agg a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org AND a.repo = r.repo
WHERE r.platform = 'github' AND r.visibility = 'public' AND coalesce(r.is_archived, false) = false
