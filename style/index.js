import './base.css';
import './capture.css';
import './team.css';
import './replay.css';
import './replay-run.css';
import './lineage.css';
import './fork.css';
import './export.css';
