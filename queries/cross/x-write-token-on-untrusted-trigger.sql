-- id: x-write-token-on-untrusted-trigger
-- title: Untrusted trigger runs with a write token
-- severity: high
-- platforms: github
-- description: A workflow triggered by events outsiders control (pull_request_target, issue_comment, issues, workflow_run, ...) sets no permissions, in a repository whose default GITHUB_TOKEN is write: one injection in it can push code, tag releases or edit workflows.
-- remediation: Add a top-level `permissions:` block (read-only or `{}`) to the workflow and set the organisation/repository default workflow permissions to read.
-- tactics: initial-access, privilege-escalation, impact
-- references: Scorecard Token-Permissions; zizmor excessive-permissions; Defender: "GitHub organizations should have actions workflow permissions set to read-only"
WITH wf AS (
    SELECT p.platform, p.host, p.org, p.repo, p.path, p.permissions_mode,
           array_to_string(p.triggers, ', ') AS trigger_list,
           coalesce(CASE WHEN p.permissions_mode = 'write-all' THEN p.key_lines['permissions'] END,
                    p.trigger_lines['pull_request_target'], p.trigger_lines['issue_comment'], p.trigger_lines['issues'],
                    p.trigger_lines['workflow_run'], p.trigger_lines['discussion'], p.trigger_lines['discussion_comment'],
                    p.trigger_lines['pull_request_review'], p.trigger_lines['pull_request_review_comment'],
                    p.key_lines['on'], p.line) AS line
    FROM pipelines p
    WHERE p.platform = 'github' AND p.kind = 'github_workflow'
      AND (array_has(p.triggers, 'pull_request_target') OR array_has(p.triggers, 'issue_comment')
           OR array_has(p.triggers, 'issues') OR array_has(p.triggers, 'workflow_run')
           OR array_has(p.triggers, 'discussion') OR array_has(p.triggers, 'discussion_comment')
           OR array_has(p.triggers, 'pull_request_review') OR array_has(p.triggers, 'pull_request_review_comment'))
),
jobs AS (
    SELECT platform, host, org, repo, path,
           bool_or(coalesce(permissions_mode, 'unset') IN ('unset', 'write-all') AND reusable_workflow IS NULL) AS job_open
    FROM pipeline_jobs WHERE platform = 'github'
    GROUP BY platform, host, org, repo, path
),
org_default AS (
    SELECT platform, host, org, max(default_workflow_permissions) AS perm
    FROM pipeline_settings WHERE platform = 'github' AND scope = 'org'
    GROUP BY platform, host, org
),
repo_default AS (
    SELECT platform, host, org, repo, max(default_workflow_permissions) AS perm
    FROM pipeline_settings WHERE platform = 'github' AND scope = 'repo'
    GROUP BY platform, host, org, repo
),
x AS (
    SELECT w.platform, w.host, w.org, w.repo, w.path, w.trigger_list, w.permissions_mode, w.line,
           coalesce(j.job_open, true) AS job_open,
           coalesce(rd.perm, od.perm) AS default_perm
    FROM wf w
    LEFT JOIN jobs j ON j.platform = w.platform AND j.host = w.host AND j.org = w.org AND j.repo = w.repo AND j.path = w.path
    LEFT JOIN repo_default rd ON rd.platform = w.platform AND rd.host = w.host AND rd.org = w.org AND rd.repo = w.repo
    LEFT JOIN org_default od ON od.platform = w.platform AND od.host = w.host AND od.org = w.org
)
SELECT
    'workflow' AS resource_type,
    org || '/' || repo || ':' || path AS resource,
    CASE
        WHEN permissions_mode = 'write-all' THEN 'triggered by ' || trigger_list || ' with permissions: write-all'
        WHEN permissions_mode = 'unset' AND job_open AND default_perm = 'write' THEN
            'triggered by ' || trigger_list || '; no permissions block and the default token is write'
        WHEN permissions_mode = 'unset' AND job_open AND default_perm IS NULL THEN
            'triggered by ' || trigger_list || '; no permissions block and the default token permissions are unknown'
        ELSE 'triggered by ' || trigger_list || '; token is read-only or restricted'
    END AS reason,
    CASE
        WHEN permissions_mode = 'write-all' THEN 'fail'
        WHEN permissions_mode = 'unset' AND job_open AND default_perm = 'write' THEN 'fail'
        WHEN permissions_mode = 'unset' AND job_open AND default_perm IS NULL THEN 'unknown'
        WHEN permissions_mode IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    platform, host, org, repo,
    path, line
FROM x
