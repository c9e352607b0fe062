-- id: wf-dangerous-trigger-checkout
-- title: Privileged trigger checks out and runs pull-request code
-- severity: critical
-- platforms: github
-- description: A pull_request_target or workflow_run workflow runs with secrets and a write token, and checks out the pull request's head and then executes it (scripts, local actions, build tools), so any fork can run code with those privileges ("pwn request").
-- remediation: Use the pull_request trigger for building untrusted code; if pull_request_target is required, never check out the head ref,
--   or split into an unprivileged pull_request build and a privileged workflow_run that only consumes artifacts as data.
-- tactics: initial-access, execution, credential-access
-- references: Scorecard Dangerous-Workflow; zizmor dangerous-triggers; GitHub Security Lab "Preventing pwn requests"
WITH wf AS (
    SELECT platform, host, org, repo, path, triggers,
           coalesce(trigger_lines['pull_request_target'], trigger_lines['workflow_run'], key_lines['on'], line) AS trigger_line
    FROM pipelines
    WHERE platform = 'github' AND kind = 'github_workflow'
      AND (array_has(triggers, 'pull_request_target') OR array_has(triggers, 'workflow_run'))
),
hits AS (
    SELECT c.platform, c.host, c.org, c.repo, c.path, c.job_id,
           min(c.step_index) AS checkout_step
    FROM pipeline_steps c
    WHERE c.platform = 'github' AND c.checkout_pr_head = true
      AND EXISTS (SELECT 1 FROM pipeline_steps s
                  WHERE s.platform = c.platform AND s.host = c.host AND s.org = c.org AND s.repo = c.repo
                    AND s.path = c.path AND s.job_id = c.job_id AND s.step_index > c.step_index
                    AND (s.kind = 'run' OR s.ref_kind = 'local'))
    GROUP BY c.platform, c.host, c.org, c.repo, c.path, c.job_id
),
agg AS (
    SELECT platform, host, org, repo, path, array_to_string(array_sort(array_agg(job_id)), ', ') AS jobs
    FROM hits GROUP BY platform, host, org, repo, path
)
SELECT
    'workflow' AS resource_type,
    w.org || '/' || w.repo || ':' || w.path AS resource,
    CASE
        WHEN a.jobs IS NOT NULL THEN 'triggered by ' || array_to_string(w.triggers, ', ') || '; job(s) ' || a.jobs || ' check out the pull-request head and then run it'
        ELSE 'privileged trigger without executing pull-request code'
    END AS reason,
    CASE WHEN a.jobs IS NOT NULL THEN 'fail' ELSE 'pass' END AS status,
    w.platform, w.host, w.org, w.repo,
    w.path, w.trigger_line AS line
FROM wf w
LEFT JOIN agg a ON a.platform = w.platform AND a.host = w.host AND a.org = w.org AND a.repo = w.repo AND a.path = w.path
