// The embed widget's entry: defines <daf-passage>. On Daf's own sign-in popup page, it also
// loads <daf-connect>, which host pages never need.
import './daf-passage.ts';

if (document.querySelector('daf-connect')) void import('./daf-connect.ts');
