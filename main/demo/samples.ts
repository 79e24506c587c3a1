import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeDocx } from './docxwriter';
import { writePdf } from './pdfwriter';

const P = (text: string) => ({ kind: 'paragraph' as const, text });
const H = (text: string) => ({ kind: 'heading' as const, text });

/**
 * Writes a small, realistic sample library (PDF, DOCX, Markdown, HTML) that the project
 * generates itself — for the demo and for tests. Returns the file paths.
 */
export async function writeSamples(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, Buffer | string][] = [];

  files.push([
    'pump-maintenance-manual.pdf',
    writePdf({
      title: 'HX-200 Pump Maintenance Manual',
      author: 'Acme Fluid Systems',
      created: '2025-03-14T10:00:00Z',
      pages: [
        [H('HX-200 Pump Maintenance Manual'), P('This manual covers routine maintenance of the HX-200 centrifugal pump. Read the safety instructions before opening the pump housing. Always isolate the motor and relieve system pressure first.')],
        [H('Fault codes'), P('E-4011 Motor overtemperature. The winding temperature exceeded 140 degrees Celsius. Check the cooling fan and the ambient temperature.'), P('E-4012 Discharge pressure sensor out of range. The sensor reports a value below 0.2 bar or above 16 bar. Inspect the sensor cable for damage and replace sensor P/N 7731-22 if the fault persists after a restart.'), P('E-4013 Dry running detected. The pump ran without liquid for more than 30 seconds. Prime the pump and check the suction valve.')],
        [H('Replacing the mechanical seal'), P('Drain the pump casing. Remove the eight M10 bolts holding the volute. Pull the impeller with the puller tool and slide off the old seal. Clean the shaft sleeve, lubricate the new seal faces with clean water only, never with grease, and reassemble in reverse order. Tighten the volute bolts crosswise to 45 Nm.')],
        [H('Technical data'), P('Nominal flow 120 cubic metres per hour at 32 metres head. Motor 15 kW, 400 V, 50 Hz. Maximum casing pressure 16 bar. Sensor P/N 7731-22, seal kit P/N 5120-08, impeller P/N 3300-15.')],
      ],
    }),
  ]);

  files.push([
    'annual-report-2025.pdf',
    writePdf({
      title: 'Northwind Holdings Annual Report 2025',
      author: 'Northwind Holdings Inc.',
      created: '2026-02-20T09:00:00Z',
      pages: [
        [H('Item 1. Business'), P('Northwind Holdings designs and sells industrial sensors in North America and Europe. Revenue grew 12 percent to 840 million dollars in fiscal 2025, driven by demand for pressure sensors.')],
        [H('Item 7. Management Discussion and Analysis'), P('Gross margin improved to 41 percent as component costs fell. Operating expenses rose because of higher research and development spending on wireless sensors. Cash from operations was 96 million dollars.')],
        [H('Item 7A. Quantitative and Qualitative Disclosures About Market Risk'), P('We are exposed to interest rate risk on our variable-rate term loan of 150 million dollars; a 100 basis point increase in rates would raise annual interest expense by 1.5 million dollars. Foreign currency risk arises mainly from euro-denominated sales, which were 38 percent of revenue. We hedge part of this exposure with forward contracts.')],
      ],
    }),
  ]);

  files.push([
    'site-inspection-notes.docx',
    await writeDocx(
      [
        { kind: 'heading1', text: 'Site inspection notes' },
        { kind: 'paragraph', text: 'Inspection of the Riverside pumping station on 4 November 2025 by the maintenance team.' },
        { kind: 'heading2', text: 'Findings' },
        { kind: 'bullet', text: 'Pump 2 showed fault E-4012 twice during the week; the sensor cable was chafed near the gland.' },
        { kind: 'bullet', text: 'Vibration on pump 3 within limits at 2.1 mm/s.' },
        { kind: 'heading2', text: 'Readings' },
        { kind: 'table', rows: [['Pump', 'Flow (m3/h)', 'Pressure (bar)'], ['Pump 1', '118', '3.2'], ['Pump 2', '96', '2.7'], ['Pump 3', '121', '3.3']] },
        { kind: 'heading2', text: 'Actions' },
        { kind: 'paragraph', text: 'Replace the sensor cable on pump 2 and order a spare pressure sensor. Re-inspect in December.' },
      ],
      { title: 'Site inspection notes', author: 'Maintenance team' },
    ),
  ]);

  files.push([
    'battery-research-summary.md',
    [
      '# Lithium-ion battery degradation',
      '',
      'Capacity fade in lithium-ion cells comes mainly from growth of the solid electrolyte interphase (SEI) and from loss of active lithium.',
      '',
      '## Temperature',
      '',
      'Cells cycled at 45 °C lost capacity about twice as fast as cells cycled at 25 °C. Storage at high state of charge accelerates calendar ageing.',
      '',
      '## Fast charging',
      '',
      'Charging above 2C at low temperature causes lithium plating on the anode, which is irreversible and a safety risk.',
      '',
    ].join('\n'),
  ]);

  files.push([
    'data-retention-policy.html',
    `<!doctype html><html><head><meta charset="utf-8"><title>Data retention policy</title><style>body{font-family:sans-serif}</style><script>console.log("tracking")</script></head>
<body><nav>Home | Policies | Contact</nav><main>
<h1>Data retention policy</h1>
<p>Customer records are kept for seven years after the end of the contract, as required by tax law.</p>
<h2>Backups</h2>
<p>Encrypted backups are retained for 90 days and then destroyed. Restores are tested every quarter.</p>
<h2>Deletion requests</h2>
<p>Requests under GDPR Article 17 are answered within 30 days. Reference code DR-2291 identifies the deletion procedure.</p>
</main><footer>© Northwind Holdings</footer></body></html>`,
  ]);

  const out: string[] = [];
  for (const [name, data] of files) {
    const p = path.join(dir, name);
    await writeFile(p, data);
    out.push(p);
  }
  return out;
}
