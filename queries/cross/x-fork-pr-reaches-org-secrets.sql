-- id: x-fork-pr-reaches-org-secrets
-- title: Fork pull request can run code next to organisation secrets
-- severity: critical
-- platforms: github
-- description: A pull_request_target workflow checks out the pull request's code, in a repository that can read organisation secrets shared with all (or all private) repositories: any fork can steal secrets that the whole organisation shares.
-- remediation: Stop checking out pull-request code under pull_request_target (use pull_request), and restrict the organisation secrets to the selected repositories that need them.
-- tactics: initial-access, credential-access, lateral-movement
-- references: Scorecard Dangerous-Workflow; zizmor dangerous-triggers; Defender: "GitHub organizations should not make action secrets accessible to all repositories"
WITH prt AS (
    SELECT p.platform, p.host, p.org, p.repo, p.path,
           bool_or(s.checkout_pr_head) AS checks_out_head,
           max(coalesce(p.trigger_lines['pull_request_target'], p.key_lines['on'], p.line)) AS line
    FROM pipelines p
    LEFT JOIN pipeline_steps s ON s.platform = p.platform AND s.host = p.host AND s.org = p.org
        AND s.repo = p.repo AND s.path = p.path AND s.checkout_pr_head = true
    WHERE p.platform = 'github' AND p.kind = 'github_workflow' AND array_has(p.triggers, 'pull_request_target')
    GROUP BY p.platform, p.host, p.org, p.repo, p.path
),
reach AS (
    SELECT r.platform, r.host, r.org, r.repo,
           array_to_string(array_sort(array_agg(s.name || ' (' || s.visibility || ')')), ', ') AS shared_secrets
    FROM repositories r
    JOIN secrets s ON s.platform = r.platform AND s.host = r.host AND s.org = r.org AND s.scope = 'org'
    WHERE s.visibility = 'all'
       OR (s.visibility = 'private' AND r.visibility IN ('private', 'internal'))
    GROUP BY r.platform, r.host, r.org, r.repo
)
SELECT
    'workflow' AS resource_type,
    w.org || '/' || w.repo || ':' || w.path AS resource,
    CASE
        WHEN coalesce(w.checks_out_head, false) AND x.shared_secrets IS NOT NULL THEN
            'pull_request_target checks out PR code; repository can read org-wide secrets ' || x.shared_secrets
        WHEN coalesce(w.checks_out_head, false) THEN 'checks out PR code but no org-wide secret reaches the repository'
        ELSE 'pull_request_target without checking out PR code'
    END AS reason,
    CASE
        WHEN coalesce(w.checks_out_head, false) AND x.shared_secrets IS NOT NULL THEN 'fail'
        ELSE 'pass'
    END AS status,
    w.platform, w.host, w.org, w.repo,
    w.path, w.line
FROM prt w
LEFT JOIN reach x ON x.platform = w.platform AND x.host = w.host AND x.org = w.org AND x.repo = w.repo
