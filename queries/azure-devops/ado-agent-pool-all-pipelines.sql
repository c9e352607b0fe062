-- id: ado-agent-pool-all-pipelines
-- title: Self-hosted agent queue is authorised for all pipelines
-- severity: high
-- platforms: azure_devops
-- description: Any pipeline in the project can run jobs on the pool's agents, reaching whatever network, credentials and caches those machines hold.
-- remediation: Project settings > Agent pools > (pool) > Security > Pipeline permissions: remove Open access and authorise only the pipelines that need it.
-- tactics: execution, lateral-movement, persistence
-- references: CIS SSCS 2.2.3
SELECT
    'agent_queue' AS resource_type,
    concat_ws('/', ra.org, ra.project, coalesce(ra.resource_name, ra.resource_id)) AS resource,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'pipeline permissions could not be read'
        WHEN ra.all_pipelines THEN 'agent queue is open to all pipelines'
        ELSE 'agent queue is authorised for ' || CAST(coalesce(cardinality(ra.authorized_pipelines), 0) AS VARCHAR) || ' selected pipeline(s)'
    END AS reason,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'unknown'
        WHEN ra.all_pipelines THEN 'fail'
        ELSE 'pass'
    END AS status,
    ra.platform, ra.host, ra.org, ra.project
FROM resource_authorizations ra
WHERE ra.platform = 'azure_devops' AND ra.resource_type = 'agent_queue'
  AND NOT EXISTS (
      SELECT 1 FROM runner_groups g
      WHERE g.platform = ra.platform AND g.host = ra.host AND g.org = ra.org
        AND g.name = ra.resource_name AND g.is_hosted = true)
