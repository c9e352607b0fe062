-- id: wf-self-hosted-on-pr
-- title: Self-hosted runner used on a pull-request event
-- severity: high
-- platforms: github, azure_devops
-- description: A job triggered by pull requests runs on a self-hosted runner, so code proposed by any contributor (or fork) executes on a persistent machine inside the network.
-- remediation: Run pull-request jobs on GitHub-hosted or Microsoft-hosted runners, or on ephemeral isolated runners; keep self-hosted runners for trusted branches.
-- tactics: initial-access, execution, persistence
-- references: Defender: "GitHub repositories shouldn't use self hosted runners"; zizmor self-hosted-runner
SELECT
    'job' AS resource_type,
    concat_ws('/', j.org, j.project, j.repo) || ':' || coalesce(j.path, j.pipeline_id) || '#' || coalesce(j.job_id, '') AS resource,
    CASE
        WHEN j.self_hosted THEN 'runs on self-hosted ' || coalesce(array_to_string(j.runs_on, ','), '') || ' for ' || array_to_string(p.triggers, ', ')
        ELSE 'pull-request job on a hosted runner'
    END AS reason,
    CASE WHEN j.self_hosted THEN 'fail' WHEN j.self_hosted IS NULL THEN 'unknown' ELSE 'pass' END AS status,
    j.platform, j.host, j.org, j.project, j.repo,
    j.path,
    -- the runner the job asks for (an Azure job without a pool inherits the pipeline's)
    coalesce(j.key_lines['runs-on'], j.key_lines['pool'],
             CASE WHEN j.platform = 'azure_devops' AND j.path = p.path THEN p.key_lines['pool'] END,
             j.line, p.line) AS line
FROM pipeline_jobs j
JOIN pipelines p ON p.platform = j.platform AND p.host = j.host AND p.org = j.org
    AND coalesce(p.project, '') = coalesce(j.project, '') AND coalesce(p.repo, '') = coalesce(j.repo, '')
    AND p.pipeline_id = j.pipeline_id
WHERE j.platform IN ('github', 'azure_devops')
  AND (array_has(p.triggers, 'pull_request') OR array_has(p.triggers, 'pull_request_target') OR array_has(p.triggers, 'pr'))
