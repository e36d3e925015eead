/**
 * The OpenAPI operations of the team: people, notebooks, visibility,
 * search and the change feed.
 */
import { QUERY_PATTERN } from '../search/search-service';
import {
  AUTH_ERRORS,
  NOT_JSON,
  errorResponse,
  json,
  pagingParams,
  ref,
  requiredBody,
  textQuery
} from './parts';

/** The paths of the team's views of the history. */
export function teamPaths(): Record<string, object> {
  return {
    '/me': {
      get: {
        summary: 'Who the token belongs to',
        responses: {
          '200': json(ref('TeamMember'), 'The caller.'),
          ...AUTH_ERRORS
        }
      }
    },
    '/users': {
      get: {
        summary: 'The people of the team',
        description:
          'Every user of the directory (and the server owner, to others only when they may read a session of the owner), with the count of their sessions the caller may read; most recently active first.',
        responses: {
          '200': json(ref('TeamMemberList'), 'The people.'),
          ...AUTH_ERRORS
        }
      }
    },
    '/notebooks': {
      get: {
        summary: "One person's notebooks, most recently active first",
        parameters: [
          textQuery('author', 'The user id.', true),
          ...pagingParams
        ],
        responses: {
          '200': json(ref('NotebookPage'), 'One page of notebooks.'),
          '400': errorResponse(
            'Missing author, bad limit or cursor (invalid_request).'
          ),
          ...AUTH_ERRORS
        }
      }
    },
    '/notebooks/visibility': {
      put: {
        summary: "Set the visibility of one of the caller's notebooks",
        description:
          "Applies to the caller's existing sessions of that notebook path and to the ones recorded later.",
        requestBody: requiredBody(
          ref('NotebookVisibility'),
          'Notebook and visibility.'
        ),
        responses: {
          '200': json(ref('NotebookVisibilityResult'), 'What changed.'),
          '400': errorResponse(
            'No body, a body that is not an object, or a bad notebookPath or visibility (invalid_request).'
          ),
          ...AUTH_ERRORS,
          ...NOT_JSON
        }
      }
    },
    '/search': {
      get: {
        summary: "Search the team's history",
        description:
          'Code and output text, in sessions the caller may read; most recently recorded first. With match=substring (the default) every term is a case-insensitive substring of the code or output text ("quoted phrases" allowed). With match=words every term is words of that text compared by their English stems (train finds training and trained; words are runs of letters and digits, so read_csv is the words read and csv; a "quoted phrase" is its words in a row; words with digits match as written); on PostgreSQL this is its own text search. truncated is true while the index of the stored history is still being built or a scan ran out of time. A page has a nextCursor only when a further hit the caller may read exists; a cursor is sealed and good only for the caller it was given to, in this server run (any other is a 400).',
        parameters: [
          {
            name: 'q',
            in: 'query',
            required: true,
            description:
              'What to search for: words or "quoted phrases", at least one character that is not white space.',
            schema: { type: 'string', pattern: QUERY_PATTERN }
          },
          {
            name: 'match',
            in: 'query',
            description:
              'How the terms match: substring (pieces of the text) or words (the forms of each word). With words, q must hold a letter or digit.',
            schema: {
              type: 'string',
              enum: ['substring', 'words'],
              default: 'substring'
            }
          },
          textQuery('author', 'Only executions recorded by this user id.'),
          textQuery(
            'notebook',
            'Only notebooks whose path contains this text.'
          ),
          {
            name: 'from',
            in: 'query',
            description: 'Only executions started at or after (ISO 8601).',
            schema: { type: 'string', format: 'date-time' }
          },
          {
            name: 'to',
            in: 'query',
            description: 'Only executions started at or before (ISO 8601).',
            schema: { type: 'string', format: 'date-time' }
          },
          ...pagingParams
        ],
        responses: {
          '200': json(ref('SearchPage'), 'One page of hits.'),
          '400': errorResponse(
            'Missing q (or, with match=words, a q without a word), unknown match, bad date, limit or cursor (invalid_request).'
          ),
          ...AUTH_ERRORS
        }
      }
    },
    '/changes': {
      get: {
        summary: 'What was stored after a cursor (long poll)',
        description:
          "Without after: the current cursor at once. With after: the changes since that the caller may read (and visibility changes of sessions they could read before or can after), at once when there are some, else after up to wait ms. Cursors are sealed: they say nothing of others' private changes. A cursor of another server run, or one not made by this run, gets a fresh cursor and no changes: reload what you show.",
        parameters: [
          {
            name: 'after',
            in: 'query',
            description: 'The cursor of the previous answer.',
            schema: { type: 'string' }
          },
          {
            name: 'wait',
            in: 'query',
            description:
              'How long to hold the request when nothing is new (ms).',
            schema: {
              type: 'integer',
              minimum: 0,
              maximum: 25000,
              default: 0
            }
          }
        ],
        responses: {
          '200': json(ref('HistoryChanges'), 'Changes and the next cursor.'),
          '400': errorResponse('Bad after or wait (invalid_request).'),
          ...AUTH_ERRORS
        }
      }
    }
  };
}
