-- id: x-stale-secret-broad-scope
-- title: Old secret shared with every repository or pipeline
-- severity: high
-- platforms: github, azure_devops
-- description: A secret not rotated for {{max_age_days}} days is also readable by every repository (organisation secret visible to all) or every pipeline (variable group or secure file open to all pipelines): the longest-lived credentials have the widest blast radius.
-- remediation: Rotate the secret now, then restrict it to the selected repositories or pipelines that need it; prefer short-lived OIDC federation.
-- tactics: credential-access, lateral-movement, persistence
-- references: Defender: "GitHub organizations should not make action secrets accessible to all repositories"; Defender: "Azure DevOps variable groups with secret variables shouldn't grant access to all pipelines"; Defender: "Azure DevOps secure files shouldn't grant access to all pipelines"
-- param: max_age_days = 365
WITH as_of AS (
    -- Age is judged at collection time (the newest run's start), so a snapshot gives the same
    -- answer on any later day; with no run recorded, at the current time.
    SELECT coalesce(max(started_at), now()) AS as_of_time FROM collection_runs
),
ado_open AS (
    SELECT DISTINCT sec.platform, sec.host, sec.org, coalesce(sec.project, '') AS project, sec.scope,
           coalesce(sec.container, '') AS container, sec.name
    FROM secrets sec
    JOIN resource_authorizations ra ON ra.platform = sec.platform AND ra.host = sec.host AND ra.org = sec.org
        AND coalesce(ra.project, '') = coalesce(sec.project, '') AND ra.resource_type = sec.scope
        AND ra.all_pipelines = true
        AND (ra.resource_id = sec.container_id OR ra.resource_name = sec.container
             OR (sec.scope = 'secure_file' AND ra.resource_name = sec.name))
    WHERE sec.platform = 'azure_devops' AND sec.scope IN ('variable_group', 'secure_file')
),
s AS (
    SELECT sec.platform, sec.host, sec.org, sec.project, sec.repo, sec.scope, sec.container, sec.name,
        coalesce(sec.updated_at, sec.created_at) AS changed_at,
        CASE
            WHEN sec.platform = 'github' AND sec.visibility = 'all' THEN 'visible to all repositories'
            WHEN o.name IS NOT NULL THEN 'open to all pipelines'
        END AS broad
    FROM secrets sec
    LEFT JOIN ado_open o ON o.platform = sec.platform AND o.host = sec.host AND o.org = sec.org
        AND o.project = coalesce(sec.project, '') AND o.scope = sec.scope
        AND o.container = coalesce(sec.container, '') AND o.name = sec.name
    WHERE (sec.platform = 'github' AND sec.scope = 'org')
       OR (sec.platform = 'azure_devops' AND sec.scope IN ('variable_group', 'secure_file'))
)
SELECT
    'secret' AS resource_type,
    concat_ws('/', org, project) || ':' || scope || ':' || coalesce(container || '/', '') || name AS resource,
    CASE
        WHEN changed_at IS NULL THEN coalesce(broad, 'narrowly scoped') || '; last rotation unknown'
        ELSE coalesce(broad, 'narrowly scoped') || '; last rotated ' || CAST(CAST(floor((date_part('epoch', as_of_time) - date_part('epoch', changed_at)) / 86400) AS BIGINT) AS VARCHAR) || ' days ago'
    END AS reason,
    CASE
        WHEN broad IS NOT NULL AND changed_at < as_of_time - INTERVAL '{{max_age_days}} days' THEN 'fail'
        WHEN broad IS NOT NULL AND changed_at IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM s CROSS JOIN as_of
