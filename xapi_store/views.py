"""HTTP layer of the LRS: parse and check requests, call storage/query/documents, answer."""

import base64
import hashlib
import hmac
import re
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import Headers
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import get_input_stream

from . import attachments as attach
from . import auth, documents, jsonutil, query, storage
from .agents import agent_ifi, authority_ifi
from .auth import ClientCredential
from .errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooLarge,
    Unauthorized,
    ValidationError,
    XAPIError,
)
from .models import ActivityDefinition
from .validation import UUID_RE, VERSION_RE, check_iri, parse_timestamp, validate_agent

blueprint = Blueprint("xapi", __name__)

# Largest request body, unless the host app sets MAX_CONTENT_LENGTH (the LMS sets the same).
MAX_BODY_BYTES = 20 * 1024 * 1024
SUPPORTED_VERSIONS = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]
ALTERNATE_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}
STATEMENT_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}


@dataclass
class XRequest:
    """One xAPI request, whether it came as is or through the alternate syntax."""

    method: str
    params: dict[str, str]
    headers: Headers
    body: bytes
    version: str = "1.0.3"
    credential: ClientCredential | None = None
    answer_headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


def db():
    return current_app.extensions["db_session"]


# entry point ---------------------------------------------------------------------------------
@blueprint.route("/<path:resource>", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"])
def dispatch(resource: str):
    if request.method == "OPTIONS":
        return answer(None, 200, {"Allow": CORS_HEADERS["Access-Control-Allow-Methods"]})
    handler = RESOURCES.get(resource.rstrip("/"))
    if handler is None:
        return error_answer(NotFound(f"{resource}: no such xAPI resource"))
    session = db()
    try:
        xrequest = read_request()
        if resource != "about":
            check_version(xrequest)
            xrequest.credential = authenticate(session, xrequest.headers)
        response = handler(xrequest)
        session.commit()
    except XAPIError as exc:
        session.rollback()
        response = error_answer(exc)
    except IntegrityError:
        # A concurrent request stored the same statement id or document first.
        session.rollback()
        response = error_answer(Conflict("a concurrent request changed the same data; retry"))
    except Exception:
        session.rollback()
        raise
    if resource == "statements":
        # Communication 2.1.3: on every answer of the statements resource, errors included.
        response.headers["X-Experience-API-Consistent-Through"] = storage.format_time(
            storage.now_ms()
        )
    return response


def read_request() -> XRequest:
    xrequest = parse_request(read_body())
    refuse_nul(xrequest)
    return xrequest


def read_body() -> bytes:
    """The whole request body, or TooLarge past the app's MAX_CONTENT_LENGTH (MAX_BODY_BYTES
    when it sets none), whether the client declared a Content-Length or sent chunks.

    Not request.get_data(): when the server passes a chunked body through (gunicorn sets
    wsgi.input_terminated), Werkzeug stops reading at MAX_CONTENT_LENGTH and returns the body
    cut there as if it were complete."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_BODY_BYTES
    too_large = TooLarge(f"body: larger than this LRS's limit of {limit} bytes")
    if (request.content_length or 0) > limit:
        raise too_large
    stream = get_input_stream(request.environ, max_content_length=None)
    chunks, size = [], 0
    try:
        while chunk := stream.read(min(1 << 16, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
    except ClientDisconnected:
        raise ValidationError("body: shorter than its Content-Length") from None
    return b"".join(chunks)


def refuse_nul(xrequest: XRequest):
    """PostgreSQL's text cannot hold U+0000, so no parameter or header may carry one (the
    body's JSON is checked by jsonutil.loads); both databases then answer the same."""
    for where in (xrequest.params, xrequest.headers):
        for name, value in where.items():
            if "\x00" in name or "\x00" in value:
                raise ValidationError(f"{name.replace(chr(0), '')}: must not contain U+0000")


def parse_request(body: bytes) -> XRequest:
    params = {key: request.args.get(key) for key in request.args}
    for key in request.args:
        if len(request.args.getlist(key)) > 1:
            raise ValidationError(f"{key}: given more than once")
    if "method" not in params:
        return XRequest(request.method, params, Headers(request.headers), body)
    # Alternate request syntax (Communication 1.3): POST ?method=X with headers, parameters
    # and content as form fields.
    if request.method != "POST":
        raise ValidationError("method: the alternate request syntax must be sent as a POST")
    if set(params) != {"method"}:
        raise ValidationError("method: no other query parameter is allowed with it")
    if request.headers.get("X-Experience-API-Version", "").startswith("2."):
        raise ValidationError("method: xAPI 2.0 has no alternate request syntax")
    method = params["method"].upper()
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise ValidationError("method: must be GET, HEAD, PUT, POST or DELETE")
    if request.mimetype != "application/x-www-form-urlencoded":
        raise ValidationError("Content-Type: must be application/x-www-form-urlencoded")
    fields = urllib.parse.parse_qs(
        body.decode(errors="replace"), keep_blank_values=True, strict_parsing=False
    )
    headers = Headers()
    for name, value in request.headers.items():
        if name.lower() in ("authorization", "x-experience-api-version"):
            headers[name] = value
    form_params: dict[str, str] = {}
    body = b""
    has_content = False
    for name, values in fields.items():
        value = values[-1]
        if name.lower() in ALTERNATE_HEADERS:
            headers[name] = value
        elif name.lower() == "x-experience-api-version" and value.startswith("2."):
            raise ValidationError("method: xAPI 2.0 has no alternate request syntax")
        elif name == "content":
            body = value.encode()
            has_content = True
        else:
            form_params[name] = value
    if method in ("PUT", "POST") and not has_content:
        raise ValidationError("content: required by the alternate request syntax")
    if "Content-Type" not in headers and method in ("PUT", "POST"):
        headers["Content-Type"] = "application/json"
    return XRequest(method, form_params, headers, body)


def check_version(xrequest: XRequest):
    version = xrequest.headers.get("X-Experience-API-Version")
    if not version:
        raise ValidationError("X-Experience-API-Version: header is required")
    if not VERSION_RE.match(version.strip()):
        raise ValidationError(f"X-Experience-API-Version: {version!r} is not supported")
    xrequest.version = version.strip()


def authenticate(session, headers: Headers) -> ClientCredential:
    value = headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic" or not token:
        raise Unauthorized("Authorization: HTTP Basic credentials are required")
    try:
        key, _, secret = base64.b64decode(token.strip()).decode().partition(":")
    except ValueError:  # binascii.Error, UnicodeDecodeError, or a token that is not ASCII
        raise Unauthorized("Authorization: malformed Basic credentials") from None
    credential = auth.authenticate(session, key, secret)
    if credential is None:
        raise Unauthorized("Authorization: unknown, revoked or expired credentials")
    return credential


def require(xrequest: XRequest, need: str, write: bool):
    if not auth.allows(xrequest.credential, need, write):
        raise Forbidden(f"the credential's scopes do not allow this ({need})")


def answer_version(xrequest: XRequest | None) -> str:
    """1.0.3 to a 1.0.x client, 2.0.0 to a 2.0 one; to a request without the header (an
    error), XAPI_VERSION_WITHOUT_HEADER (the 1.0.3 and 2.0 test suites each expect theirs)."""
    if xrequest is not None:
        version = xrequest.version
    else:
        version = request.headers.get("X-Experience-API-Version", "").strip()
    if not version:
        version = current_app.config.get("XAPI_VERSION_WITHOUT_HEADER", "1.0.3")
    return "1.0.3" if version.startswith("1.0") else "2.0.0"


def answer(body, status: int = 200, headers: dict | None = None, xrequest=None, mimetype=None):
    if body is None:
        response = Response(status=status)
    elif isinstance(body, bytes):
        response = Response(body, status=status, mimetype=mimetype or "application/octet-stream")
    else:
        response = Response(jsonutil.dumps_bytes(body), status=status, mimetype="application/json")
    if mimetype and body is not None:
        response.headers["Content-Type"] = mimetype
    response.headers["X-Experience-API-Version"] = answer_version(xrequest)
    response.headers.update(CORS_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def error_answer(exc: XAPIError) -> Response:
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="xAPI"'
    if exc.status == 413:
        # The rest of the body was not read: the connection cannot carry another request.
        headers["Connection"] = "close"
    return answer(exc.to_dict(), exc.status, headers)


def http_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


# parameters -----------------------------------------------------------------------------------
def only_params(xrequest: XRequest, allowed: set[str]):
    for name in xrequest.params:
        if name not in allowed:
            raise ValidationError(f"{name}: not a parameter of this resource")


def param_json(xrequest: XRequest, name: str):
    try:
        return jsonutil.loads(xrequest.params[name])
    except ValueError as exc:
        raise ValidationError(f"{name}: must be JSON ({exc})") from None


def param_agent(xrequest: XRequest, name: str = "agent", required: bool = True):
    if name not in xrequest.params:
        if required:
            raise ValidationError(f"{name}: parameter is required")
        return None
    agent = param_json(xrequest, name)
    validate_agent(agent, name, xrequest.version)
    return agent


def param_bool(xrequest: XRequest, name: str) -> bool:
    value = xrequest.params.get(name, "false")
    if value not in ("true", "false"):
        raise ValidationError(f"{name}: must be true or false")
    return value == "true"


def param_uuid(xrequest: XRequest, name: str, required: bool = False) -> str | None:
    value = xrequest.params.get(name)
    if value is None:
        if required:
            raise ValidationError(f"{name}: parameter is required")
        return None
    if not UUID_RE.match(value):
        raise ValidationError(f"{name}: must be a UUID")
    return value


def param_iri(xrequest: XRequest, name: str, required: bool = False) -> str | None:
    value = xrequest.params.get(name)
    if value is None:
        if required:
            raise ValidationError(f"{name}: parameter is required")
        return None
    return check_iri(value, name)


def param_time(xrequest: XRequest, name: str) -> datetime | None:
    value = xrequest.params.get(name)
    return None if value is None else parse_timestamp(value, name)


def json_body(xrequest: XRequest):
    try:
        return jsonutil.loads(xrequest.body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("body: must be UTF-8") from None
    except jsonutil.UnsafeJSON as exc:
        raise ValidationError(f"body: {exc}") from None
    except ValueError as exc:
        raise ValidationError(f"body: not valid JSON ({exc})") from None


# statements ------------------------------------------------------------------------------------
def statements_resource(xrequest: XRequest):
    if xrequest.method in ("GET", "HEAD"):
        require(xrequest, "statements", write=False)
        return get_statements(xrequest)
    require(xrequest, "statements", write=True)
    if xrequest.method == "PUT":
        only_params(xrequest, {"statementId"})
        statement_id = param_uuid(xrequest, "statementId", required=True)
        statements, bodies = read_statements(xrequest)
        if not isinstance(statements, dict):
            raise ValidationError("body: PUT takes a single statement")
        given = statements.get("id")
        if given is not None and str(given).lower() != statement_id.lower():
            raise ValidationError("statement.id: differs from the statementId parameter")
        statements = {**statements, "id": statement_id}
        save_statements(xrequest, statements, bodies)
        return answer(None, 204, xrequest=xrequest)
    if xrequest.method == "POST":
        only_params(xrequest, set())
        statements, bodies = read_statements(xrequest)
        ids = save_statements(xrequest, statements, bodies)
        return answer(ids, 200, xrequest=xrequest)
    raise XAPIError(f"{xrequest.method}: not allowed on statements", 405)


def read_statements(xrequest: XRequest):
    media = xrequest.media_type()
    if media == "multipart/mixed":
        return attach.statements_and_parts(xrequest.body, xrequest.content_type)
    if media != "application/json":
        raise ValidationError("Content-Type: must be application/json or multipart/mixed")
    return json_body(xrequest), {}


def save_statements(xrequest: XRequest, statements, bodies) -> list[str]:
    batch = storage.validate_batch(statements, xrequest.version)
    attach.match_attachments(batch, bodies)
    credential = xrequest.credential
    bound_to_agent = credential.agent is not None
    if bound_to_agent:
        check_own_actor(credential.agent, batch)
    return storage.store_statements(
        db(),
        batch,
        authority=auth.authority_of(credential),
        version=xrequest.version,
        attachments=bodies,
        validated=True,
        voids_only_own=bound_to_agent,
    )


def check_own_actor(own_agent: dict, batch: list[dict]):
    """A credential bound to one agent (a learner's launch credential) writes only as that
    Agent. A Group is refused even when its IFI is the agent's own: its members count as actors
    for the agent filter (Communication 2.1.3), so it would write into their timelines."""
    own = agent_ifi(own_agent)
    for i, statement in enumerate(batch):
        actor = statement["actor"]
        if actor.get("objectType", "Agent") != "Agent" or agent_ifi(actor) != own:
            raise Forbidden(
                f"statements[{i}].actor: this credential writes only as its own Agent "
                "(no Group, no other agent)"
            )


def get_statements(xrequest: XRequest):
    only_params(xrequest, STATEMENT_PARAMS)
    xrequest, after, bound = resume_point(xrequest)
    params = xrequest.params
    fmt = params.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise ValidationError("format: must be exact, ids or canonical")
    with_attachments = param_bool(xrequest, "attachments")
    languages = query.parse_accept_language(xrequest.headers.get("Accept-Language"))
    mine = auth.reads_only_own(xrequest.credential)
    own_authority = auth_ifi(xrequest.credential) if mine else None
    single = [name for name in ("statementId", "voidedStatementId") if name in params]
    if single:
        if len(single) > 1 or set(params) - {single[0], "format", "attachments"}:
            raise ValidationError(f"{single[0]}: only format and attachments may go with it")
        statement_id = param_uuid(xrequest, single[0], required=True)
        statement = query.find_statement(db(), statement_id, voided=single[0] != "statementId")
        if statement is None or (mine and not owned(statement, own_authority)):
            raise NotFound(f"{single[0]}: no statement {statement_id}")
        document = query.format_statement(statement, fmt, languages)
        headers = {"Last-Modified": http_date(parse_timestamp(statement["stored"], "stored"))}
        return statements_answer(xrequest, document, [statement], with_attachments, headers)
    filters, limit = statement_filters(xrequest, own_authority)
    session = db()
    if bound is None:
        bound = query.newest_seq(session)
    page = query.select_page(session, filters, limit + 1, after, bound)
    more = ""
    if len(page) > limit:
        page = page[:limit]
        more = more_link(xrequest.params, page[-1][0], bound)
    statements = [data for _, data in page]
    document = {
        "statements": [query.format_statement(s, fmt, languages) for s in statements],
        "more": more,
    }
    headers = {}
    if statements:
        newest = max(parse_timestamp(s["stored"], "stored") for s in statements)
        headers["Last-Modified"] = http_date(newest)
    return statements_answer(xrequest, document, statements, with_attachments, headers)


def auth_ifi(credential: ClientCredential) -> str | None:
    return authority_ifi(auth.authority_of(credential))


def owned(statement: dict, own_authority: str | None) -> bool:
    return authority_ifi(statement.get("authority")) == own_authority


def resume_point(xrequest: XRequest) -> tuple[XRequest, int | None, int | None]:
    """The request to answer and where its walk stands: as sent, or, for a `more` link, the
    first request's parameters (format included) with the last seq seen and the walk's bound."""
    if "more" not in xrequest.params:
        return xrequest, None, None
    if len(xrequest.params) > 1:
        raise ValidationError("more: no other parameter may go with it")
    params, after, bound = query.read_more_token(xrequest.params["more"], more_key())
    first = replace(xrequest, params=params, body=b"")
    only_params(first, STATEMENT_PARAMS - {"more"})
    return first, after, bound


def more_key() -> bytes:
    """The key signing `more` links: its own, derived from the host app's SECRET_KEY."""
    secret = current_app.config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("xapi_store: the app needs a SECRET_KEY to sign `more` links")
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, b"xapi_store more links", hashlib.sha256).digest()


def statement_filters(xrequest: XRequest, own_authority) -> tuple[query.Filters, int]:
    params = xrequest.params
    agent = param_agent(xrequest, "agent", required=False)
    verb = param_iri(xrequest, "verb")
    activity = param_iri(xrequest, "activity")
    registration = param_uuid(xrequest, "registration")
    limit_text = params.get("limit", "0")
    if not re.fullmatch(r"[0-9]+", limit_text):
        raise ValidationError("limit: must be a non-negative integer")
    # Past query.MAX_LIMIT any number means the same; int() of thousands of digits would fail.
    limit = int(limit_text) if len(limit_text) < 10 else 0
    if limit == 0 or limit > query.MAX_LIMIT:
        limit = query.MAX_LIMIT
    filters = query.Filters(
        agent=agent,
        verb=verb,
        activity=activity,
        registration=registration,
        since=param_time(xrequest, "since"),
        until=param_time(xrequest, "until"),
        related_activities=param_bool(xrequest, "related_activities"),
        related_agents=param_bool(xrequest, "related_agents"),
        ascending=param_bool(xrequest, "ascending"),
        authority_ifi=own_authority,
    )
    return filters, limit


def more_link(params: dict[str, str], after: int, bound: int) -> str:
    token = query.more_token(params, after, bound, more_key())
    return f"{request.script_root}{blueprint_prefix()}/statements?more={token}"


def blueprint_prefix() -> str:
    return current_app.extensions.get("xapi_store_prefix", "/xapi")


def statements_answer(xrequest, document, statements, with_attachments, headers):
    if not with_attachments:
        return answer(document, 200, headers, xrequest)
    text = jsonutil.dumps_bytes(document)
    body, content_type = attach.multipart_answer(text, attach.load_bodies(db(), statements))
    return answer(body, 200, headers, xrequest, mimetype=content_type)


# documents -------------------------------------------------------------------------------------
def document_answer(xrequest: XRequest, document):
    headers = {
        "ETag": f'"{document.etag}"',
        "Last-Modified": http_date(document.updated),
    }
    return answer(document.body, 200, headers, xrequest, mimetype=document.content_type)


def ids_answer(xrequest: XRequest, ids: list[str]):
    return answer(ids, 200, None, xrequest)


def document_write(xrequest: XRequest, kind, activity_id, agent, registration, document_id):
    """PUT/POST/DELETE of one document, with the concurrency rules of Communication 3.1."""
    session = db()
    if_match = xrequest.headers.get("If-Match")
    if_none_match = xrequest.headers.get("If-None-Match")
    if xrequest.method == "DELETE":
        documents.delete_document(
            session, kind, activity_id, agent, registration, document_id, if_match
        )
        return answer(None, 204, xrequest=xrequest)
    content_type = xrequest.content_type or "application/octet-stream"
    if xrequest.method == "POST" and documents.is_json(content_type):
        documents.load_json_object(xrequest.body, "body")
    documents.put_document(
        session,
        kind,
        activity_id,
        agent,
        registration,
        document_id,
        xrequest.body,
        content_type,
        merge=xrequest.method == "POST",
        if_match=if_match,
        if_none_match=if_none_match,
        # Communication 3.1: profiles always need If-Match/If-None-Match; in 2.0 an existing
        # state document too.
        require_precondition=(
            "always"
            if kind != documents.STATE
            else "existing"
            if xrequest.version.startswith("2.")
            else None
        ),
    )
    return answer(None, 204, xrequest=xrequest)


def state_resource(xrequest: XRequest):
    require(xrequest, "state", write=xrequest.method not in ("GET", "HEAD"))
    only_params(xrequest, {"activityId", "agent", "registration", "stateId", "since"})
    activity_id = param_iri(xrequest, "activityId", required=True)
    agent = param_agent(xrequest)
    registration = param_uuid(xrequest, "registration")
    if xrequest.credential.agent is not None and agent_ifi(agent) != agent_ifi(
        xrequest.credential.agent
    ):
        raise Forbidden("agent: this credential reaches only its own agent's state")
    state_id = xrequest.params.get("stateId")
    kind = documents.STATE
    session = db()
    if xrequest.method in ("GET", "HEAD"):
        if state_id is not None:
            if "since" in xrequest.params:
                raise ValidationError("since: only allowed when listing state ids")
            document = documents.get_document(
                session, kind, activity_id, agent, registration, state_id
            )
            if document is None:
                raise NotFound(f"stateId: no state document {state_id!r}")
            return document_answer(xrequest, document)
        since = param_time(xrequest, "since")
        ids = documents.list_document_ids(session, kind, activity_id, agent, registration, since)
        return ids_answer(xrequest, ids)
    if "since" in xrequest.params:
        raise ValidationError("since: only allowed when listing state ids")
    if xrequest.method == "DELETE" and state_id is None:
        documents.delete_documents(session, kind, activity_id, agent, registration)
        return answer(None, 204, xrequest=xrequest)
    if state_id is None:
        raise ValidationError("stateId: parameter is required")
    return document_write(xrequest, kind, activity_id, agent, registration, state_id)


def profile_resource(xrequest: XRequest, kind: str):
    require(xrequest, "profile", write=xrequest.method not in ("GET", "HEAD"))
    if kind == documents.ACTIVITY_PROFILE:
        only_params(xrequest, {"activityId", "profileId", "since"})
        activity_id, agent = param_iri(xrequest, "activityId", required=True), None
    else:
        only_params(xrequest, {"agent", "profileId", "since"})
        activity_id, agent = None, param_agent(xrequest)
    profile_id = xrequest.params.get("profileId")
    session = db()
    if xrequest.method in ("GET", "HEAD"):
        if profile_id is not None:
            if "since" in xrequest.params:
                raise ValidationError("since: only allowed when listing profile ids")
            document = documents.get_document(session, kind, activity_id, agent, None, profile_id)
            if document is None:
                raise NotFound(f"profileId: no profile document {profile_id!r}")
            return document_answer(xrequest, document)
        since = param_time(xrequest, "since")
        return ids_answer(
            xrequest, documents.list_document_ids(session, kind, activity_id, agent, None, since)
        )
    if "since" in xrequest.params:
        raise ValidationError("since: only allowed when listing profile ids")
    if profile_id is None:
        raise ValidationError("profileId: parameter is required")
    return document_write(xrequest, kind, activity_id, agent, None, profile_id)


def activity_profile_resource(xrequest: XRequest):
    return profile_resource(xrequest, documents.ACTIVITY_PROFILE)


def agent_profile_resource(xrequest: XRequest):
    return profile_resource(xrequest, documents.AGENT_PROFILE)


# activities, agents, about -----------------------------------------------------------------------
def only_get(xrequest: XRequest):
    if xrequest.method not in ("GET", "HEAD"):
        raise XAPIError(f"{xrequest.method}: not allowed on this resource", 405)


def activities_resource(xrequest: XRequest):
    only_get(xrequest)
    require(xrequest, "define", write=False)
    only_params(xrequest, {"activityId"})
    activity_id = param_iri(xrequest, "activityId", required=True)
    row = db().get(ActivityDefinition, storage.activity_hash(activity_id))
    activity = {"objectType": "Activity", "id": activity_id}
    if row is not None and row.definition:
        activity["definition"] = row.definition
    return answer(activity, 200, None, xrequest)


def agents_resource(xrequest: XRequest):
    """The Person object of an agent (Communication 2.4); this LRS links no identities, so the
    person has the agent's own identifiers."""
    only_get(xrequest)
    require(xrequest, "define", write=False)
    only_params(xrequest, {"agent"})
    agent = param_agent(xrequest)
    if agent.get("objectType") == "Group":
        raise ValidationError("agent: must be an Agent, not a Group")
    person = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return answer(person, 200, None, xrequest)


def about_resource(xrequest: XRequest):
    only_get(xrequest)
    return answer({"version": SUPPORTED_VERSIONS, "extensions": {}}, 200, None, xrequest)


RESOURCES = {
    "statements": statements_resource,
    "activities/state": state_resource,
    "activities/profile": activity_profile_resource,
    "agents/profile": agent_profile_resource,
    "activities": activities_resource,
    "agents": agents_resource,
    "about": about_resource,
}
