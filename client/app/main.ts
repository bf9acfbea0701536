// The reader's entry: registers the elements; <daf-app> in index.html does the rest.
import '../components/daf-app.ts';
