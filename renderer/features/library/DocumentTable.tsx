import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import { Icon } from '../../components/Icon';
import { formatDate, formatSize } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import { progressText, type FileProgress } from './progress';
import { liveProgress, nextStep, typeLabel, uiHint, type Row, type SortKey } from './rows';
import { warningsLabel, warningsTooltip } from './WarningsDialog';

export type RowAction = 'open' | 'password' | 'retry' | 'reindex' | 'remove' | 'tags' | 'cancel' | 'dismiss' | 'warnings';

const COLUMNS: { key: SortKey | 'tags' | 'actions'; label: string; sortable: boolean }[] = [
  { key: 'name', label: 'Name', sortable: true },
  { key: 'format', label: 'Type', sortable: true },
  { key: 'pages', label: 'Pages', sortable: true },
  { key: 'status', label: 'Status', sortable: true },
  { key: 'bytes', label: 'Size', sortable: true },
  { key: 'addedAt', label: 'Added', sortable: true },
  { key: 'tags', label: 'Tags', sortable: false },
  { key: 'actions', label: 'Actions', sortable: false },
];

const STATUS_LABEL = { queued: 'Queued', processing: 'Indexing', ready: 'Ready', failed: 'Failed', cancelled: 'Cancelled' } as const;

/** "Tags: legal, Q3" — the tooltip that lists every tag of a row, wherever they are cut short. */
export function tagsTitle(tags: readonly string[]): string | undefined {
  return tags.length ? `Tags: ${tags.join(', ')}` : undefined;
}

/** The status cell: a badge, or a progress bar with the stage and ETA while indexing. */
function StatusCell({ row }: { row: Row }) {
  if ((row.status === 'processing' || row.status === 'queued' || row.reindexing) && row.progress) {
    const { fraction, stage } = row.progress;
    const text = progressText(row.progress);
    return (
      <div className="status-progress" data-testid="row-progress">
        <ProgressBar small value={stage === 'queued' ? 0 : fraction} label={`${row.name}: ${text}`} />
        {/* Clamped to whole words by CSS; the tooltip has all of it. */}
        <span className="status-progress-text" title={text}>
          {text}
        </span>
      </div>
    );
  }
  // Indexed, but nothing in it can be searched (a scan, an empty Word file): not 'Ready'.
  const noText = row.status === 'ready' ? row.warnings.find((w) => w.code === 'NO_TEXT') : undefined;
  if (noText) {
    return (
      <span className="badge badge-notext" title={noText.message} data-testid="row-no-text">
        No text
      </span>
    );
  }
  return <span className={`badge badge-${row.status}`}>{STATUS_LABEL[row.status]}</span>;
}

const DocRow = memo(function DocRow({ row, index, top, height, onAction }: { row: Row; index: number; top: number; height: number; onAction: (a: RowAction, r: Row) => void }) {
  // A cancelled file can always be indexed again; a failed one only where that can help.
  const step = row.status === 'failed' ? nextStep(row.error) : row.status === 'cancelled' ? 'retry' : 'none';
  const canOpen = row.docId !== undefined && row.status === 'ready';
  const active = row.status === 'queued' || row.status === 'processing';
  const hint = row.error ? uiHint(row.error) : undefined;
  // The name's tooltip names the tags too: in compact rows on a narrow window they show nowhere else.
  const nameTitle = row.tags.length ? `${row.path}\n${tagsTitle(row.tags)}` : row.path;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`tr${row.status === 'failed' ? ' tr-failed' : ''}${row.status === 'cancelled' ? ' tr-cancelled' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      data-testid="doc-row"
      data-name={row.name}
      data-status={row.status}
    >
      <div role="gridcell" className="td td-name">
        <Icon name="file" />
        <div className="name-lines">
          {canOpen ? (
            <button className="link name" onClick={() => onAction('open', row)} title={nameTitle}>
              {row.name}
            </button>
          ) : (
            <span className="name" title={nameTitle}>
              {row.name}
            </span>
          )}
          {row.status === 'failed' ? null : row.reindexing ? (
            <span className="sub">Indexing again; search uses the previous version meanwhile</span>
          ) : row.status === 'cancelled' ? (
            <span className="sub" title="Indexing was cancelled: the file is not in the library or search. Retry indexes it.">
              {row.collection} · Not indexed
            </span>
          ) : (
            <span className="sub-line">
              <span className="sub sub-collection" data-testid="row-collection">
                {row.collection}
              </span>
              {row.tags.length > 0 && (
                // Shown only while the Tags column is hidden (narrow windows; see app.css).
                <span className="sub sub-tags" title={tagsTitle(row.tags)} data-testid="row-tags-inline">
                  <span className="sub-sep" aria-hidden="true">
                    ·{' '}
                  </span>
                  <Icon name="tag" size={11} /> {row.tags.join(', ')}
                </span>
              )}
              {row.warnings.length > 0 && (
                <>
                  <span className="sub sub-sep" aria-hidden="true">
                    ·
                  </span>
                  <button
                    className="link sub sub-warn"
                    aria-haspopup="dialog"
                    aria-label={`${warningsLabel(row.warnings.length)} in ${row.name}: show them`}
                    title={warningsTooltip(row.warnings)}
                    onClick={() => onAction('warnings', row)}
                    data-testid="row-warnings"
                  >
                    <Icon name="alert" size={12} /> {warningsLabel(row.warnings.length)}
                  </button>
                </>
              )}
            </span>
          )}
        </div>
      </div>
      <div role="gridcell" className="td">{typeLabel(row)}</div>
      <div role="gridcell" className="td td-num">{row.pages ?? ''}</div>
      <div role="gridcell" className="td td-status">
        <StatusCell row={row} />
      </div>
      <div role="gridcell" className="td td-num">{formatSize(row.bytes)}</div>
      <div role="gridcell" className="td">{formatDate(row.addedAt)}</div>
      <div role="gridcell" className="td td-tags" title={tagsTitle(row.tags)}>
        {/*
         * The first tag, a second where the cell is wide enough (a container query in app.css),
         * then "+N" for the rest: a chip cut to "…" hid the tags it stood for. The chips are for
         * the eye; the list is read out whole.
         */}
        {row.tags.length > 0 && (
          <span className="tag-chips" aria-hidden="true">
            {row.tags.slice(0, 2).map((t, i) => (
              <span key={t} className={`chip${i > 0 ? ' chip-wide' : ''}`}>
                {t}
              </span>
            ))}
            {row.tags.length > 1 && <span className="chip chip-more chip-narrow">+{row.tags.length - 1}</span>}
            {row.tags.length > 2 && <span className="chip chip-more chip-wide">+{row.tags.length - 2}</span>}
          </span>
        )}
        {row.tags.length > 0 && <span className="visually-hidden">{row.tags.join(', ')}</span>}
      </div>
      <div role="gridcell" className="td td-actions">
        {step === 'password' && (
          <button className="btn btn-small btn-primary" onClick={() => onAction('password', row)}>
            <Icon name="key" /> Enter password
          </button>
        )}
        {step === 'retry' && (
          <button className="btn btn-small" onClick={() => onAction('retry', row)}>
            <Icon name="refresh" /> Retry
          </button>
        )}
        {active && row.activeJobId && (
          <button className="icon-btn" aria-label={`Cancel indexing ${row.name}`} title="Cancel" onClick={() => onAction('cancel', row)} data-job-id={row.activeJobId}>
            <Icon name="stop" />
          </button>
        )}
        {row.docId && row.status !== 'failed' && !active && (
          <>
            <button className="icon-btn" aria-label={`Edit tags of ${row.name}`} title="Tags" onClick={() => onAction('tags', row)}>
              <Icon name="tag" />
            </button>
            <button className="icon-btn" aria-label={`Re-index ${row.name}`} title="Re-index" onClick={() => onAction('reindex', row)}>
              <Icon name="refresh" />
            </button>
          </>
        )}
        {row.docId && (
          <button className="icon-btn icon-btn-danger" aria-label={`Remove ${row.name}`} title="Remove" onClick={() => onAction('remove', row)}>
            <Icon name="trash" />
          </button>
        )}
        {!row.docId && (row.status === 'failed' || row.status === 'cancelled') && row.jobId && (
          <button className="icon-btn" aria-label={`Dismiss ${row.name}`} title="Dismiss" onClick={() => onAction('dismiss', row)}>
            <Icon name="x" />
          </button>
        )}
      </div>
      {row.status === 'failed' && row.error && (
        // The reason spans the row under the name: it is what the user has to read.
        <div role="gridcell" className="row-error" data-testid="row-error" title={hint ? `${row.error.message} — ${hint}` : row.error.message}>
          <Icon name="alert" size={13} />
          <span>
            {row.error.message}
            {hint ? <span className="row-error-hint"> — {hint}</span> : null}
          </span>
        </div>
      )}
    </div>
  );
});

/**
 * The document table, virtualised: only the rows in view (plus a margin) exist in the DOM, so
 * 10,000 documents scroll as smoothly as ten.
 */
export function DocumentTable(props: {
  rows: Row[];
  /** Running jobs' progress, applied to the visible rows only. */
  files?: Record<string, FileProgress>;
  rowHeight: number;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  onSort: (key: SortKey) => void;
  onAction: (a: RowAction, r: Row) => void;
}) {
  const { rows, rowHeight } = props;
  const files = props.files ?? {};
  const now = Date.now();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    getItemKey: (i) => rows[i]!.key,
    // Rows render before the first measurement (and in tests without layout).
    initialRect: { width: 1000, height: 720 },
  });
  return (
    <div ref={scrollRef} className="table-scroll" role="grid" aria-label="Documents" aria-rowcount={rows.length + 1} data-testid="doc-table">
      <div role="rowgroup" className="thead">
        <div role="row" aria-rowindex={1} className="tr tr-head">
          {COLUMNS.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              className={`th th-${c.key}`}
              aria-sort={props.sort.key === c.key ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
            >
              {c.sortable ? (
                <button className="th-btn" onClick={() => props.onSort(c.key as SortKey)}>
                  {c.label}
                  {props.sort.key === c.key && <span aria-hidden="true">{props.sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
                </button>
              ) : (
                <span className={c.key === 'actions' ? 'visually-hidden' : undefined}>{c.label}</span>
              )}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="tbody" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <DocRow key={item.key} row={liveProgress(rows[item.index]!, files, now)} index={item.index} top={item.start} height={rowHeight} onAction={props.onAction} />
        ))}
      </div>
    </div>
  );
}
