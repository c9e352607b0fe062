-- id: wf-excessive-permissions
-- title: Workflow token permissions are not restricted
-- severity: medium
-- platforms: github
-- description: The workflow has no top-level permissions block (inheriting the repository default, often write) with jobs that do not set their own, or grants write-all.
-- remediation: Add `permissions: contents: read` (or `{}`) at the top of the workflow and grant write scopes only on the jobs that need them.
-- tactics: privilege-escalation, impact
-- references: Scorecard Token-Permissions; zizmor excessive-permissions; CIS SSCS 2.3.6
WITH jobs AS (
    SELECT platform, host, org, repo, path,
           bool_or(permissions_mode = 'write-all') AS job_write_all,
           bool_or(coalesce(permissions_mode, 'unset') = 'unset' AND reusable_workflow IS NULL) AS job_unset,
           min(CASE WHEN permissions_mode = 'write-all' THEN coalesce(key_lines['permissions'], line) END) AS write_all_line
    FROM pipeline_jobs
    WHERE platform = 'github'
    GROUP BY platform, host, org, repo, path
)
SELECT
    'workflow' AS resource_type,
    p.org || '/' || p.repo || ':' || p.path AS resource,
    CASE
        WHEN p.permissions_mode = 'write-all' THEN 'top-level permissions: write-all'
        WHEN j.job_write_all THEN 'a job grants permissions: write-all'
        WHEN p.permissions_mode = 'unset' AND coalesce(j.job_unset, true) THEN 'no top-level permissions and job(s) without permissions'
        WHEN p.permissions_mode IS NULL THEN 'permissions could not be determined'
        ELSE 'token permissions restricted (' || p.permissions_mode || ')'
    END AS reason,
    CASE
        WHEN p.permissions_mode = 'write-all' OR j.job_write_all THEN 'fail'
        WHEN p.permissions_mode = 'unset' AND coalesce(j.job_unset, true) THEN 'fail'
        WHEN p.permissions_mode IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    p.platform, p.host, p.org, p.repo,
    p.path,
    -- the permissions block that grants write-all; without one, the top of the workflow, where it belongs
    CASE
        WHEN p.permissions_mode = 'write-all' THEN coalesce(p.key_lines['permissions'], p.line)
        WHEN j.job_write_all THEN coalesce(j.write_all_line, p.key_lines['permissions'], p.line)
        ELSE coalesce(p.key_lines['permissions'], p.line)
    END AS line
FROM pipelines p
LEFT JOIN jobs j ON j.platform = p.platform AND j.host = p.host AND j.org = p.org AND j.repo = p.repo AND j.path = p.path
WHERE p.platform = 'github' AND p.kind = 'github_workflow' AND p.parse_error IS NULL
