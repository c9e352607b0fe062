-- id: wf-unpinned-action
-- title: Third-party action not pinned to a commit SHA
-- severity: medium
-- platforms: github
-- description: A tag or branch can be moved by the action's owner, or by an attacker who compromises it (as with tj-actions/changed-files), to run new code in the workflow with its token and secrets.
-- remediation: Pin third-party actions and reusable workflows to a full 40-character commit SHA (with the version in a comment) and let Dependabot or Renovate update them.
-- tactics: initial-access, execution
-- references: Scorecard Pinned-Dependencies; zizmor unpinned-uses; CIS SSCS 2.4.2
-- param: trusted_owners = actions,github
SELECT
    'step' AS resource_type,
    org || '/' || repo || ':' || coalesce(path, '') || '#' || coalesce(job_id, '') || '[' || CAST(step_index AS VARCHAR) || ']' AS resource,
    CASE
        WHEN ref_kind = 'sha' THEN uses || ' is pinned to a commit'
        WHEN ref_kind = 'docker' AND uses LIKE '%@sha256:%' THEN uses || ' is pinned to a digest'
        WHEN array_has(string_to_array({{trusted_owners}}, ','), lower(action_owner)) THEN uses || ' (trusted owner)'
        ELSE uses || ' is referenced by ' || coalesce(ref_kind, 'no ref')
    END AS reason,
    CASE
        WHEN ref_kind = 'sha' THEN 'pass'
        WHEN ref_kind = 'docker' AND uses LIKE '%@sha256:%' THEN 'pass'
        WHEN array_has(string_to_array({{trusted_owners}}, ','), lower(action_owner)) THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org, repo,
    path, coalesce(key_lines['uses'], line) AS line,
    CASE WHEN key_lines['uses'] = line THEN "column" END AS "column"
FROM pipeline_steps
WHERE platform = 'github' AND kind = 'action' AND coalesce(ref_kind, '') <> 'local'
UNION ALL
SELECT
    'job' AS resource_type,
    org || '/' || repo || ':' || coalesce(path, '') || '#' || coalesce(job_id, '') AS resource,
    CASE WHEN regexp_like(reusable_workflow, '@[0-9a-f]{40}$') THEN reusable_workflow || ' is pinned to a commit'
         ELSE 'reusable workflow ' || reusable_workflow || ' is not pinned to a commit' END AS reason,
    CASE WHEN regexp_like(reusable_workflow, '@[0-9a-f]{40}$') THEN 'pass'
         WHEN array_has(string_to_array({{trusted_owners}}, ','), lower(split_part(reusable_workflow, '/', 1))) THEN 'pass'
         ELSE 'fail' END AS status,
    platform, host, org, repo,
    path, coalesce(key_lines['uses'], line) AS line, CAST(NULL AS BIGINT) AS "column"
FROM pipeline_jobs
WHERE platform = 'github' AND reusable_workflow IS NOT NULL AND reusable_workflow NOT LIKE './%'
