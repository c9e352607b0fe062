-- id: ado-self-hosted-fork-builds
-- title: Fork pull-request builds run on self-hosted agents
-- severity: medium
-- platforms: azure_devops
-- description: Code from any fork's pull request executes on a self-hosted agent, which may persist between jobs and sits inside the company network.
-- remediation: Run fork pull-request validation on Microsoft-hosted agents (or disable fork builds), and keep self-hosted pools for trusted branches.
-- tactics: initial-access, execution, lateral-movement
-- references: Azure DevOps docs "Pipeline security: fork builds"; zizmor self-hosted-runner
WITH sh AS (
    SELECT DISTINCT j.platform, j.host, j.org, coalesce(j.project, '') AS project, j.pipeline_id
    FROM pipeline_jobs j
    WHERE j.platform = 'azure_devops' AND j.self_hosted = true
),
sh_line AS (
    -- the first self-hosted pool asked for in the pipeline's own file (not in its templates)
    SELECT j.platform, j.host, j.org, coalesce(j.project, '') AS project, j.pipeline_id, j.path,
           min(coalesce(j.key_lines['pool'], j.line)) AS line
    FROM pipeline_jobs j
    WHERE j.platform = 'azure_devops' AND j.self_hosted = true
    GROUP BY j.platform, j.host, j.org, coalesce(j.project, ''), j.pipeline_id, j.path
)
SELECT
    'pipeline' AS resource_type,
    concat_ws('/', p.org, p.project, coalesce(p.name, p.pipeline_id)) AS resource,
    CASE
        WHEN p.fork_builds IS NULL THEN 'fork build setting could not be read'
        WHEN NOT p.fork_builds THEN 'fork builds are disabled'
        WHEN sh.pipeline_id IS NOT NULL OR g.name IS NOT NULL THEN 'fork builds run on a self-hosted pool'
        ELSE 'fork builds run on Microsoft-hosted agents'
    END AS reason,
    CASE
        WHEN p.fork_builds IS NULL THEN 'unknown'
        WHEN NOT p.fork_builds THEN 'pass'
        WHEN sh.pipeline_id IS NOT NULL OR g.name IS NOT NULL THEN 'fail'
        ELSE 'pass'
    END AS status,
    p.platform, p.host, p.org, p.project, p.repo,
    p.path, coalesce(sl.line, p.key_lines['pool'], p.trigger_lines['pr'], p.line) AS line
FROM pipelines p
LEFT JOIN sh ON sh.platform = p.platform AND sh.host = p.host AND sh.org = p.org
    AND sh.project = coalesce(p.project, '') AND sh.pipeline_id = p.pipeline_id
LEFT JOIN sh_line sl ON sl.platform = p.platform AND sl.host = p.host AND sl.org = p.org
    AND sl.project = coalesce(p.project, '') AND sl.pipeline_id = p.pipeline_id AND sl.path = p.path
LEFT JOIN (SELECT DISTINCT platform, host, org, name FROM runner_groups
           WHERE platform = 'azure_devops' AND is_hosted = false) g
    ON g.platform = p.platform AND g.host = p.host AND g.org = p.org AND g.name = p.pool
WHERE p.platform = 'azure_devops' AND p.kind IN ('azure_yaml', 'azure_classic')
